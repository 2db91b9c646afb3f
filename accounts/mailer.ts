/**
 * @module accounts/mailer
 * The default `Mailer`: writes each mail to the log instead of sending it, so a developer can
 * click the verification link. This is the only place a token (inside a link) reaches a log,
 * by design; production wires a real mailer in its place.
 */
import type { AccountsLogger, Mail, Mailer } from './types.js';

/** Logs every mail at `info` as `{ mail: { to, subject, text } }`, message "mail (not sent)". */
export class LogMailer implements Mailer {
  readonly #log: AccountsLogger;
  constructor(log: AccountsLogger) {
    this.#log = log;
  }

  send(mail: Mail): void {
    this.#log.info({ mail: { to: mail.to, subject: mail.subject, text: mail.text } }, 'mail (not sent: LogMailer)');
  }
}

/** Keeps every mail in memory, newest last; for tests. */
export class MemoryMailer implements Mailer {
  readonly sent: Mail[] = [];
  send(mail: Mail): void {
    this.sent.push({ ...mail });
  }
}

/** The first `http(s)://…` link in a mail's text, or undefined. */
export function firstLink(mail: Mail): string | undefined {
  return /https?:\/\/\S+/.exec(mail.text)?.[0];
}
