/**
 * @module mailer/ledger
 * Sending a mail once per key (`mail_sends`, migration `0006_tickets_mail_dedupe`): claim the key
 * with a row before handing the mail to the transport, mark it `sent` after, give the claim back
 * when the transport refused. A second sender (a redelivered event, a retry, a restarted or
 * second notifier) finds the row: `sent` → nothing to do; `sending` and fresh → someone is on it,
 * try later; `sending` and older than the lease → its sender died, take it over. Only a crash after
 * the SMTP server accepted a mail and before the row said `sent` can send it twice.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { mailSends, withDbErrors, type Db } from '../db/index.js';
import type { MailMessage, Mailer } from './types.js';

/** What `sendOnce` did. */
export type SendOnceOutcome = 'sent' | 'alreadySent' | 'inProgress';

/** How long a claim stands before another sender may take it over (ms). */
export const MAIL_CLAIM_LEASE_MS = 5 * 60_000;

/** Send `mail` under `key` unless it was sent (or is being sent) already. Throws what the transport throws (claim given back). */
export async function sendOnce(
  db: Db,
  mailer: Mailer,
  key: string,
  mail: MailMessage,
  leaseMs = MAIL_CLAIM_LEASE_MS,
): Promise<SendOnceOutcome> {
  const token = randomBytes(12).toString('hex');
  const claimed = await withDbErrors(() =>
    db
      .insert(mailSends)
      .values({ mailKey: key, recipient: mail.to, state: 'sending', claimToken: token })
      .onConflictDoUpdate({
        target: mailSends.mailKey,
        set: { claimToken: token, claimedAt: sql`now()` },
        setWhere: sql`${mailSends.state} = 'sending' and ${mailSends.claimedAt} < now() - make_interval(secs => ${leaseMs / 1000})`,
      })
      .returning({ token: mailSends.claimToken }),
  );
  if (claimed[0]?.token !== token) {
    const [row] = await withDbErrors(() => db.select({ state: mailSends.state }).from(mailSends).where(eq(mailSends.mailKey, key)));
    return row?.state === 'sent' ? 'alreadySent' : 'inProgress';
  }
  const mine = and(eq(mailSends.mailKey, key), eq(mailSends.claimToken, token));
  try {
    await mailer.send(mail);
  } catch (err) {
    await withDbErrors(() => db.delete(mailSends).where(and(mine, eq(mailSends.state, 'sending')))).catch(() => undefined);
    throw err;
  }
  await withDbErrors(() => db.update(mailSends).set({ state: 'sent', sentAt: sql`now()` }).where(mine));
  return 'sent';
}
