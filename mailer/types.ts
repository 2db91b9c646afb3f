/**
 * @module mailer/types
 * The shapes of outgoing mail. A `Mailer` sends one message (the `accounts` port `Mailer` is the
 * same shape, so one instance serves both); `send` rejects with `MAIL_SEND_FAILED` (retryable)
 * when the transport could not hand the message over.
 */

/** The languages templates exist in. */
export const LOCALES = ['en', 'vi'] as const;
export type Locale = (typeof LOCALES)[number];

/** One message. `html` is optional (the text part is always there). */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Sends mail. */
export interface Mailer {
  send(mail: MailMessage): Promise<void>;
  /** Release the transport's connections. */
  close?(): void;
}
