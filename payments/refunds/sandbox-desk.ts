/**
 * @module payments/refunds/sandbox-desk
 * The provider side of the sandbox refund contract (`sandbox.ts`), as the gateway serves it: it
 * verifies the request's signature, refunds only a sandbox transaction it really received (a row
 * of `payment_inbox`), never more than was paid, and each refund request id once (a repeat
 * answers the first refund with `duplicate: true`), recording each in `sandbox_refunds`. Every
 * answer is signed. This is what "the sandbox implements the same contract" means: the platform's
 * refund code runs against it exactly as against a real provider.
 */
import { and, eq, sql } from 'drizzle-orm';
import { paymentInbox, sandboxRefunds, withDbErrors, type Db } from '../../db/index.js';
import { bodyText, jsonAnswer, parseJsonObject, signatureMatches } from '../providers/crypto.js';
import { SANDBOX_SIGNATURE_HEADER, sandboxSignature } from '../providers/sandbox.js';
import type { ProviderAnswer } from '../providers/types.js';

/** The desk: `refund` and `query` take the raw request and answer a signed response. */
export interface SandboxRefundDesk {
  refund(body: string | Uint8Array, headers: Readonly<Record<string, string | undefined>>): Promise<ProviderAnswer>;
  query(body: string | Uint8Array, headers: Readonly<Record<string, string | undefined>>): Promise<ProviderAnswer>;
}

const ID = /^[A-Za-z0-9_:.-]{1,128}$/;

/** Create the desk over `db`, verifying with `secret`. */
export function createSandboxRefundDesk(db: Db, secret: string): SandboxRefundDesk {
  const answer = (status: number, body: Record<string, unknown>): ProviderAnswer => {
    const a = jsonAnswer(status, body);
    return { ...a, headers: { ...a.headers, [SANDBOX_SIGNATURE_HEADER]: sandboxSignature(secret, body) } };
  };
  const verified = (raw: string | Uint8Array, headers: Readonly<Record<string, string | undefined>>) => {
    const body = parseJsonObject(bodyText(raw));
    if (!body) return { error: answer(400, { status: 'REFUSED', error: 'malformed' }) };
    if (!signatureMatches(sandboxSignature(secret, body), headers[SANDBOX_SIGNATURE_HEADER]))
      return { error: answer(401, { status: 'REFUSED', error: 'bad_signature' }) };
    if (typeof body['refundId'] !== 'string' || !ID.test(body['refundId']))
      return { error: answer(400, { status: 'REFUSED', error: 'refundId' }) };
    return { body };
  };
  const done = (row: typeof sandboxRefunds.$inferSelect, duplicate: boolean) =>
    answer(200, {
      refundId: row.refundId,
      status: 'SUCCEEDED',
      sandboxRefundId: `sbxr_${row.refundId}`,
      amountMinor: row.amountMinor,
      providerTxnId: row.providerTxnId,
      duplicate,
    });

  return {
    async refund(raw, headers) {
      const v = verified(raw, headers);
      if (v.error) return v.error;
      const b = v.body;
      const amount = b['amountMinor'];
      if (
        typeof b['providerTxnId'] !== 'string' ||
        typeof amount !== 'number' ||
        !Number.isSafeInteger(amount) ||
        amount <= 0 ||
        typeof b['currency'] !== 'string'
      ) {
        return answer(400, { status: 'REFUSED', error: 'providerTxnId, amountMinor, currency' });
      }
      const refundId = b['refundId'] as string;
      const txn = b['providerTxnId'];
      return withDbErrors(() =>
        db.transaction(async (tx) => {
          // One transaction's refunds are decided one at a time (the paid amount is a budget).
          await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`sandbox-refund:${txn}`}))`);
          const [first] = await tx.select().from(sandboxRefunds).where(eq(sandboxRefunds.refundId, refundId));
          if (first) return done(first, true);
          const [paid] = await tx
            .select()
            .from(paymentInbox)
            .where(and(eq(paymentInbox.provider, 'sandbox'), eq(paymentInbox.providerTxnId, txn)));
          const paidAmount = typeof paid?.payload['amountMinor'] === 'number' ? paid.payload['amountMinor'] : undefined;
          if (paid?.payload['outcome'] !== 'completed' || paidAmount === undefined)
            return answer(200, { refundId, status: 'FAILED', error: 'no such paid transaction' });
          const [sum] = await tx
            .select({ total: sql<string>`coalesce(sum(${sandboxRefunds.amountMinor}), 0)` })
            .from(sandboxRefunds)
            .where(eq(sandboxRefunds.providerTxnId, txn));
          if (Number(sum?.total ?? 0) + amount > paidAmount)
            return answer(200, { refundId, status: 'FAILED', error: 'refunds would exceed the amount paid' });
          const [row] = await tx
            .insert(sandboxRefunds)
            .values({
              refundId,
              providerTxnId: txn,
              orderCode: String(b['orderCode'] ?? ''),
              amountMinor: amount,
              currency: b['currency'] as string,
            })
            .returning();
          return done(row!, false);
        }),
      );
    },
    async query(raw, headers) {
      const v = verified(raw, headers);
      if (v.error) return v.error;
      const refundId = v.body['refundId'] as string;
      const [row] = await withDbErrors(() => db.select().from(sandboxRefunds).where(eq(sandboxRefunds.refundId, refundId)));
      return row ? done(row, true) : answer(200, { refundId, status: 'NOT_FOUND' });
    },
  };
}
