/**
 * @module db/schema/mail
 * Mails that must go out once: one row per mail key (`order:<orderId>:<kind>`), claimed
 * before the mail is handed to the transport and marked sent after, so a redelivered event, a
 * retry or a restarted notifier finds the row and sends nothing. A claim whose sender died
 * (`sending` for longer than the notifier's lease) may be taken over: the only way left to send a
 * mail twice is a crash after the SMTP server accepted it and before the row says `sent`.
 */
import { sql } from 'drizzle-orm';
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true, mode: 'date' } as const;

export const mailSends = pgTable('mail_sends', {
  /** `order:<orderId>:orderConfirmation`, `order:<orderId>:refundPending`, `order:<orderId>:refunded`. */
  mailKey: text('mail_key').primaryKey(),
  recipient: text('recipient').notNull(),
  /** `sending` (claimed) or `sent`. */
  state: text('state').notNull(),
  /** Who claimed it (random per attempt): only the claimer marks it sent or gives it back. */
  claimToken: text('claim_token').notNull(),
  claimedAt: timestamp('claimed_at', tz).notNull().default(sql`now()`),
  sentAt: timestamp('sent_at', tz),
});

export type MailSendRow = typeof mailSends.$inferSelect;
