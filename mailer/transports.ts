/**
 * @module mailer/transports
 * The mailer over nodemailer: a real SMTP transport when `TB_SMTP_URL` is set
 * (`smtp://user:pass@host:587`, `smtps://…`; nodemailer's connection-URL form), otherwise its JSON
 * transport with each message written to the log (the development default, so a developer can
 * click a verification link). Sending failures become `MAIL_SEND_FAILED` (retryable); the
 * password in the URL never reaches a log.
 */
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { TbError } from '../contracts/index.js';
import type { MailMessage, Mailer } from './types.js';

/** The settings the mailer reads. */
export interface MailerConfig {
  smtpUrl: string;
  mailFrom: string;
}

/** A nodemailer mailer: SMTP when `smtpUrl` is set, else JSON messages to `log`. */
export function createMailer(cfg: MailerConfig, log: Pick<Logger, 'info' | 'warn'>): Mailer & { readonly kind: 'smtp' | 'log' } {
  const smtp = cfg.smtpUrl !== '';
  const transport = smtp ? nodemailer.createTransport(cfg.smtpUrl) : nodemailer.createTransport({ jsonTransport: true });
  return {
    kind: smtp ? 'smtp' : 'log',
    async send(mail: MailMessage) {
      try {
        const info = await transport.sendMail({
          from: cfg.mailFrom,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          ...(mail.html ? { html: mail.html } : {}),
        });
        if (!smtp)
          log.info(
            { mail: { to: mail.to, subject: mail.subject, text: mail.text } },
            'mail (not sent: log transport; set TB_SMTP_URL to send)',
          );
        else log.info({ to: mail.to, subject: mail.subject, messageId: info.messageId }, 'mail sent');
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message.replace(/\/\/[^@/]*@/g, '//***@').slice(0, 200) : 'unknown';
        log.warn({ to: mail.to, subject: mail.subject, reason }, 'mail not sent');
        throw new TbError('MAIL_SEND_FAILED', { reason }, { cause });
      }
    },
    close: () => transport.close(),
  };
}
