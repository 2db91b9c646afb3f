/**
 * @module payments/inbox
 * The payment inbox: every verified provider callback is inserted into `payment_inbox` keyed by
 * (provider, provider transaction id) before anything else happens, in the same transaction as
 * the payment change and its outbox event. Invariants: the primary key is the dedupe gate (a
 * duplicate, even a concurrent one, waits for the first and then changes nothing); the event
 * raised carries `Nats-Msg-Id = <provider>:<providerTxnId>`, so JetStream drops a copy too; no
 * verified callback is dropped — one that cannot be applied is recorded with its outcome and,
 * when money is involved, flagged (`amountMismatch`, `refundRequired`) and announced as
 * `payment.flagged`.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { paymentInbox, payments, type PaymentFlags, type PaymentRow } from '../db/index.js';
import { enqueuePaymentEvent, type Tx } from './outbox-relay.js';
import { requestRefundTx } from './refunds/store.js';
import {
  InboxOutcome, PaymentEventType, PaymentStatus, type RecordCallbackResult, type Payment, type VerifiedCallback,
} from './types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A row as the store's typed `Payment` (the check constraints guarantee the enums). */
export function toPayment(row: PaymentRow): Payment {
  return row as Payment;
}

/** What a callback does to its payment, decided without I/O. */
export interface CallbackDecision {
  outcome: InboxOutcome;
  /** The new status (only ever from PENDING). */
  status?: PaymentStatus;
  /** The payment's flags after the callback, when they change. */
  flags?: PaymentFlags;
  event?: PaymentEventType;
  /** Why, for `payment.flagged` and the logs. */
  reason?: string;
}

/**
 * Decide what callback `cb` does to payment `p` (undefined: none matched). Only a PENDING payment
 * changes status; a mismatched amount or currency never does; money arriving for a payment that
 * is not payable any more (cancelled, failed, already paid) is flagged `refundRequired`.
 */
export function decideCallback(p: Payment | undefined, cb: VerifiedCallback, now = Date.now()): CallbackDecision {
  if (!p) return { outcome: InboxOutcome.Unmatched, reason: 'no payment matches the callback' };
  if (p.amountMinor !== cb.amountMinor || p.currency.toUpperCase() !== cb.currency.toUpperCase()) {
    const amountMismatch = { amountMinor: cb.amountMinor, currency: cb.currency, providerTxnId: cb.providerTxnId, at: now };
    return { outcome: InboxOutcome.AmountMismatch, flags: { ...p.flags, amountMismatch }, event: PaymentEventType.Flagged, reason: 'amountMismatch' };
  }
  if (p.status === PaymentStatus.Pending) {
    return cb.outcome === 'completed'
      ? { outcome: InboxOutcome.Applied, status: PaymentStatus.Completed, event: PaymentEventType.Completed }
      : { outcome: InboxOutcome.Applied, status: PaymentStatus.Failed, event: PaymentEventType.Failed, reason: cb.reason ?? 'provider reported failure' };
  }
  if (cb.outcome === 'failed') return { outcome: InboxOutcome.Ignored, reason: `payment is ${p.status}` };
  const reason = p.status === PaymentStatus.Completed ? 'paidTwice' : `paidAfter${p.status === PaymentStatus.Canceled ? 'Cancel' : 'Failure'}`;
  const refundRequired = { reason, providerTxnId: cb.providerTxnId, amountMinor: cb.amountMinor, at: now };
  return { outcome: InboxOutcome.Late, flags: { ...p.flags, refundRequired }, event: PaymentEventType.Flagged, reason };
}

/** Lock the payment `cb` refers to: by id, else (provider, ref), else the newest of its order code. */
async function lockPaymentFor(tx: Tx, cb: VerifiedCallback): Promise<Payment | undefined> {
  const where = cb.paymentId && UUID.test(cb.paymentId) ? eq(payments.id, cb.paymentId)
    : cb.providerRef ? and(eq(payments.provider, cb.provider), eq(payments.providerRef, cb.providerRef))
      : cb.orderCode ? and(eq(payments.provider, cb.provider), eq(payments.orderCode, cb.orderCode))
        : undefined;
  if (!where) return undefined;
  const [row] = await tx.select().from(payments).where(where).orderBy(desc(payments.createdAt)).limit(1).for('update');
  return row ? toPayment(row) : undefined;
}

/** A JSON object to store, whatever `raw` is. */
function asRecord(raw: unknown): Record<string, unknown> {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : { value: raw ?? null };
}

/**
 * A "still processing" notice is not final, so it never enters the inbox (the final callback
 * with the same transaction id must still get in). It is announced once per transaction id as
 * `payment.processing` (the outbox's unique msg id dedupes it) while the payment is PENDING.
 */
async function announceProcessing(tx: Tx, cb: VerifiedCallback): Promise<RecordCallbackResult> {
  const p = await lockPaymentFor(tx, cb);
  if (!p || p.status !== PaymentStatus.Pending || p.amountMinor !== cb.amountMinor) {
    return { duplicate: false, outcome: InboxOutcome.Ignored, payment: p, eventMsgId: undefined };
  }
  const msgId = `${callbackMsgId(cb)}:processing`;
  const fresh = await enqueuePaymentEvent(tx, p, PaymentEventType.Processing, { msgId, extra: { providerTxnId: cb.providerTxnId } });
  return { duplicate: !fresh, outcome: InboxOutcome.Processing, payment: p, eventMsgId: msgId };
}

/** The `Nats-Msg-Id` of the event a callback raises. */
export function callbackMsgId(cb: Pick<VerifiedCallback, 'provider' | 'providerTxnId'>): string {
  return `${cb.provider}:${cb.providerTxnId}`;
}

/**
 * Record verified callback `cb` inside `tx` (see the module invariants). A duplicate returns the
 * first outcome with `duplicate: true`.
 */
export async function recordCallbackTx(tx: Tx, cb: VerifiedCallback): Promise<RecordCallbackResult> {
  if (cb.outcome === 'pending') return announceProcessing(tx, cb);
  const key = and(eq(paymentInbox.provider, cb.provider), eq(paymentInbox.providerTxnId, cb.providerTxnId));
  const inserted = await tx.insert(paymentInbox)
    .values({ provider: cb.provider, providerTxnId: cb.providerTxnId, outcome: 'received', payload: asRecord(cb.raw) })
    .onConflictDoNothing().returning({ provider: paymentInbox.provider });
  if (inserted.length === 0) {
    const [first] = await tx.select().from(paymentInbox).where(key);
    const [row] = first?.paymentId ? await tx.select().from(payments).where(eq(payments.id, first.paymentId)) : [];
    return { duplicate: true, outcome: (first?.outcome ?? InboxOutcome.Ignored) as InboxOutcome, payment: row ? toPayment(row) : undefined, eventMsgId: first?.outboxMsgId ?? undefined };
  }
  const p = await lockPaymentFor(tx, cb);
  const d = decideCallback(p, cb);
  let after = p;
  if (p && (d.status || d.flags)) {
    const [row] = await tx.update(payments).set({
      ...(d.status ? { status: d.status, providerTxnId: cb.providerTxnId, providerResponse: asRecord(cb.raw) } : {}),
      ...(d.flags ? { flags: d.flags } : {}),
      version: sql`${payments.version} + 1`,
      updatedAt: new Date(),
    }).where(eq(payments.id, p.id)).returning();
    after = toPayment(row!);
  }
  let eventMsgId: string | undefined;
  if (after && d.event) {
    eventMsgId = callbackMsgId(cb);
    const extra = { providerTxnId: cb.providerTxnId, ...(d.reason ? { reason: d.reason } : {}), ...(d.event === PaymentEventType.Flagged ? { flags: after.flags, callbackAmountMinor: cb.amountMinor, callbackCurrency: cb.currency } : {}) };
    await enqueuePaymentEvent(tx, after, d.event, { msgId: eventMsgId, extra });
  }
  // Money that cannot buy anything goes back, in the same transaction as the flag (exactly once per transfer).
  if (after && (d.outcome === InboxOutcome.Late || d.outcome === InboxOutcome.AmountMismatch) && cb.amountMinor > 0) {
    await requestRefundTx(tx, after, { providerTxnId: cb.providerTxnId, amountMinor: cb.amountMinor, currency: cb.currency, reason: d.reason ?? 'refundRequired' });
  }
  await tx.update(paymentInbox).set({ outcome: d.outcome, paymentId: p?.id ?? null, outboxMsgId: eventMsgId ?? null }).where(key);
  return { duplicate: false, outcome: d.outcome, payment: after, eventMsgId };
}
