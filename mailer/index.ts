/**
 * @module mailer
 * Outgoing mail (front door): the nodemailer-backed mailer (SMTP when `TB_SMTP_URL` is set,
 * the log otherwise), the English and Vietnamese templates, locale choice, and the order
 * notifier that mails order confirmations and refund notices. Import only from here.
 */
export { createMailer } from './transports.js';
export { renderMail, formatAmount } from './templates.js';
export { localeFromAcceptLanguage, supportedLocale } from './locale.js';
export { startOrderNotifier, orderMailOf, orderMailKeyOf, ORDER_NOTIFIER_CONSUMER } from './notifier.js';
export { sendOnce, MAIL_CLAIM_LEASE_MS, type SendOnceOutcome } from './ledger.js';
export { LOCALES } from './types.js';

export type { Mailer, MailMessage, Locale } from './types.js';
export type { MailerConfig } from './transports.js';
export type { TemplateData, TemplateName } from './templates.js';
export type { OrderNotifierOptions } from './notifier.js';
