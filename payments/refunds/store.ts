/**
 * @module payments/refunds/store
 * Refund requests and their execution over PostgreSQL. Invariants: a received transaction
 * (`provider`, `provider_txn_id`) is refunded at most once, whichever path asks (the unique
 * index of `payment_refunds` decides, also between concurrent askers); the request, the
 * payment's `refund_status` and the `payment.refundRequested` outbox event commit together;
 * executing a refund holds its row lock across the provider call, so two workers never call the
 * provider for the same refund at once, and the provider sees the same idempotent refund id on
 * every retry; the result, the payment columns and the `payment.refunded` /
 * `payment.refundFailed` event commit together.
 */
import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { TbError } from '../../contracts/index.js';
import { and } from 'drizzle-orm';
import { paymentInbox, paymentRefunds, payments, withDbErrors, type Db, type PaymentRefundRow } from '../../db/index.js';
import { enqueuePaymentEvent, type Tx } from '../outbox-relay.js';
import type { ProviderDeps } from '../providers/types.js';
import { PaymentEventType, PaymentStatus, type Payment } from '../types.js';
import type { RefundProviders } from './registry.js';
import type { RefundResult } from './types.js';

/** A row as the typed `Payment` (the check constraints guarantee the enums). */
const toPayment = (row: typeof payments.$inferSelect): Payment => row as Payment;

/** Why money goes back (stored on the refund, shown to the buyer). */
export const RefundReason = {
  PaidTwice: 'paidTwice',
  PaidAfterCancel: 'paidAfterCancel',
  PaidAfterFailure: 'paidAfterFailure',
  AmountMismatch: 'amountMismatch',
  TicketsLost: 'ticketsLost',
  Organizer: 'organizer',
  EventCancelled: 'eventCancelled',
} as const;

/** The idempotent refund request id of a transaction: `rf_` + 24 hex of SHA-256(`provider:txn`). */
export function refundIdFor(provider: string, providerTxnId: string): string {
  return `rf_${createHash('sha256').update(`${provider}:${providerTxnId}`).digest('hex').slice(0, 24)}`;
}

/** What a refund request names. */
export interface RefundAsk {
  providerTxnId: string;
  amountMinor: number;
  currency: string;
  reason: string;
  requestedBy?: string;
  requestId?: string;
}

/** The outcome of asking: the refund row and whether this ask created it. */
export interface RefundAskResult {
  refund: PaymentRefundRow;
  created: boolean;
}

/**
 * Ask for the refund of `ask.providerTxnId` of payment `p` inside `tx` (the payment row must be
 * locked by the caller). A second ask for the same transaction returns the first refund.
 */
export async function requestRefundTx(tx: Tx, p: Payment, ask: RefundAsk): Promise<RefundAskResult> {
  const id = refundIdFor(p.provider, ask.providerTxnId);
  const [row] = await tx
    .insert(paymentRefunds)
    .values({
      id,
      paymentId: p.id,
      orderId: p.orderId,
      orderCode: p.orderCode,
      userId: p.userId,
      provider: p.provider,
      providerTxnId: ask.providerTxnId,
      amountMinor: ask.amountMinor,
      currency: ask.currency,
      reason: ask.reason,
      requestedBy: ask.requestedBy ?? null,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) {
    const [first] = await tx.select().from(paymentRefunds).where(eq(paymentRefunds.id, id));
    return { refund: first!, created: false };
  }
  const [updated] = await tx
    .update(payments)
    .set({
      refundStatus: sql`case when ${payments.refundStatus} = 'REFUNDED' and ${payments.providerTxnId} is distinct from ${ask.providerTxnId} then 'REFUNDED' else 'PENDING' end`,
      version: sql`${payments.version} + 1`,
      updatedAt: new Date(),
    })
    .where(eq(payments.id, p.id))
    .returning();
  await enqueuePaymentEvent(tx, toPayment(updated!), PaymentEventType.RefundRequested, {
    msgId: `refund:${id}:requested`,
    ...(ask.requestId ? { requestId: ask.requestId } : {}),
    extra: {
      refundId: id,
      providerTxnId: ask.providerTxnId,
      refundAmountMinor: ask.amountMinor,
      reason: ask.reason,
      ...(ask.requestedBy ? { requestedBy: ask.requestedBy } : {}),
    },
  });
  return { refund: row, created: true };
}

/**
 * Ask for the refund of a transaction of payment `paymentId`: its own completed transaction, or
 * one flagged `refundRequired` / `amountMismatch` on it. Throws `PAYMENT_NOT_FOUND`, or
 * `REFUND_NO_TRANSACTION` when the payment never received that transaction.
 */
export function requestRefund(
  db: Db,
  paymentId: string,
  ask: Omit<RefundAsk, 'amountMinor' | 'currency'> & { amountMinor?: number },
): Promise<RefundAskResult> {
  return withDbErrors(() =>
    db.transaction(async (tx) => {
      const [row] = await tx.select().from(payments).where(eq(payments.id, paymentId)).for('update');
      if (!row) throw new TbError('PAYMENT_NOT_FOUND', { paymentId });
      const p = toPayment(row);
      const own = p.status === PaymentStatus.Completed && p.providerTxnId === ask.providerTxnId;
      const flagged = [p.flags.refundRequired, p.flags.amountMismatch].find((f) => f?.providerTxnId === ask.providerTxnId);
      if (!own && !flagged) throw new TbError('REFUND_NO_TRANSACTION', { paymentId, providerTxnId: ask.providerTxnId });
      const amountMinor = own ? p.amountMinor : flagged!.amountMinor;
      const currency = p.flags.amountMismatch?.providerTxnId === ask.providerTxnId ? p.flags.amountMismatch.currency : p.currency;
      return requestRefundTx(tx, p, { ...ask, amountMinor, currency });
    }),
  );
}

/** How an execution ended. `pending`: ask again later (the provider is processing or did not answer). */
export type ExecuteOutcome = { status: 'succeeded' | 'failed' | 'pending'; refund: PaymentRefundRow; retryable?: TbError };

const asRecord = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v ?? null };

/**
 * Execute refund `refundId` once (see the module invariants). A finished refund is returned as
 * it is; a provider that does not answer leaves the refund as it was (attempts + 1) and answers
 * `pending` with the error in `retryable`.
 */
export function executeRefund(db: Db, providers: RefundProviders, refundId: string, deps: ProviderDeps): Promise<ExecuteOutcome> {
  return withDbErrors(() =>
    db.transaction(async (tx) => {
      await tx.execute(sql`set local idle_in_transaction_session_timeout = '60s'`);
      const [r] = await tx.select().from(paymentRefunds).where(eq(paymentRefunds.id, refundId)).for('update');
      if (!r) throw new TbError('PAYMENT_NOT_FOUND', { paymentId: refundId });
      if (r.status === 'SUCCEEDED') return { status: 'succeeded' as const, refund: r };
      if (r.status === 'FAILED') return { status: 'failed' as const, refund: r };
      const [prow] = await tx.select().from(payments).where(eq(payments.id, r.paymentId)).for('update');
      const p = toPayment(prow!);
      // The verified callback this money came with (payer account, pay date): the inbox keeps each one.
      const [paidWith] = await tx
        .select()
        .from(paymentInbox)
        .where(and(eq(paymentInbox.provider, r.provider), eq(paymentInbox.providerTxnId, r.providerTxnId)));
      const req = {
        refundId: r.id,
        provider: r.provider,
        providerTxnId: r.providerTxnId,
        orderCode: r.orderCode,
        providerRef: p.providerRef,
        amountMinor: r.amountMinor,
        currency: r.currency,
        description: `TicketBottle refund ${r.orderCode}`,
        requestedAt: r.createdAt.getTime(),
        ...(r.requestedBy ? { requestedBy: r.requestedBy } : {}),
        payment: paidWith?.payload ?? null,
        providerRefundId: r.providerRefundId,
      };
      let result: RefundResult;
      try {
        const api = providers.get(r.provider);
        result = r.status === 'SUBMITTED' ? await api.queryRefund(req, deps) : await api.refund(req, deps);
      } catch (err) {
        const e = TbError.is(err)
          ? err
          : new TbError('PAYMENT_PROVIDER_UNAVAILABLE', { provider: r.provider, reason: 'refund call failed' }, { cause: err });
        if (e.retryable) {
          const [after] = await tx
            .update(paymentRefunds)
            .set({ attempts: sql`${paymentRefunds.attempts} + 1`, lastError: e.message.slice(0, 500), updatedAt: new Date() })
            .where(eq(paymentRefunds.id, r.id))
            .returning();
          return { status: 'pending' as const, refund: after!, retryable: e };
        }
        result = { status: 'failed', request: {}, reason: `${e.code}: ${e.message}`.slice(0, 500) };
      }
      const now = new Date();
      const common = {
        attempts: sql`${paymentRefunds.attempts} + 1`,
        updatedAt: now,
        providerRequest: asRecord(result.request),
        ...(result.response !== undefined ? { providerResponse: asRecord(result.response) } : {}),
        ...(result.providerRefundId ? { providerRefundId: result.providerRefundId } : {}),
      };
      if (result.status === 'pending') {
        const [after] = await tx
          .update(paymentRefunds)
          .set({ ...common, status: 'SUBMITTED' })
          .where(eq(paymentRefunds.id, r.id))
          .returning();
        return { status: 'pending' as const, refund: after! };
      }
      const ok = result.status === 'succeeded';
      const [after] = await tx
        .update(paymentRefunds)
        .set({
          ...common,
          status: ok ? 'SUCCEEDED' : 'FAILED',
          completedAt: now,
          lastError: ok ? null : (result.reason ?? 'refused').slice(0, 500),
        })
        .where(eq(paymentRefunds.id, r.id))
        .returning();
      const [paid] = await tx
        .update(payments)
        .set({
          refundStatus: ok ? 'REFUNDED' : 'FAILED',
          version: sql`${payments.version} + 1`,
          updatedAt: now,
          ...(ok ? { refundedAmountMinor: sql`${payments.refundedAmountMinor} + ${r.amountMinor}`, refundedAt: now } : {}),
        })
        .where(eq(payments.id, p.id))
        .returning();
      await enqueuePaymentEvent(tx, toPayment(paid!), ok ? PaymentEventType.Refunded : PaymentEventType.RefundFailed, {
        msgId: `refund:${r.id}:${ok ? 'refunded' : 'failed'}`,
        extra: {
          refundId: r.id,
          providerTxnId: r.providerTxnId,
          refundAmountMinor: r.amountMinor,
          reason: r.reason,
          ...(ok ? {} : { error: after!.lastError }),
        },
      });
      return { status: ok ? ('succeeded' as const) : ('failed' as const), refund: after! };
    }),
  );
}

/** Every refund of an order, oldest first. */
export function refundsOfOrder(db: Db, orderId: string): Promise<PaymentRefundRow[]> {
  return withDbErrors(() => db.select().from(paymentRefunds).where(eq(paymentRefunds.orderId, orderId)).orderBy(paymentRefunds.createdAt));
}
