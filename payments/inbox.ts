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
import { and, eq } from 'drizzle-orm';
import { paymentInbox, payments, type PaymentFlags, type PaymentRow } from '../db/index.js';
import { OUTBOX_CHANNEL, enqueuePaymentEvent, paymentEventRow, type Tx } from './outbox-relay.js';
import { bytesParam, jsonParam, rawTx, toPaymentRow } from './raw-sql.js';
import { requestRefundTx } from './refunds/store.js';
import { InboxOutcome, PaymentEventType, PaymentStatus, type RecordCallbackResult, type Payment, type VerifiedCallback } from './types.js';

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
    return {
      outcome: InboxOutcome.AmountMismatch,
      flags: { ...p.flags, amountMismatch },
      event: PaymentEventType.Flagged,
      reason: 'amountMismatch',
    };
  }
  if (p.status === PaymentStatus.Pending) {
    return cb.outcome === 'completed'
      ? { outcome: InboxOutcome.Applied, status: PaymentStatus.Completed, event: PaymentEventType.Completed }
      : {
          outcome: InboxOutcome.Applied,
          status: PaymentStatus.Failed,
          event: PaymentEventType.Failed,
          reason: cb.reason ?? 'provider reported failure',
        };
  }
  if (cb.outcome === 'failed') return { outcome: InboxOutcome.Ignored, reason: `payment is ${p.status}` };
  const reason =
    p.status === PaymentStatus.Completed ? 'paidTwice' : `paidAfter${p.status === PaymentStatus.Canceled ? 'Cancel' : 'Failure'}`;
  const refundRequired = { reason, providerTxnId: cb.providerTxnId, amountMinor: cb.amountMinor, at: now };
  return { outcome: InboxOutcome.Late, flags: { ...p.flags, refundRequired }, event: PaymentEventType.Flagged, reason };
}

/** Lock the payment `cb` refers to: by id, else (provider, ref), else the newest of its order code (prepared statements). */
async function lockPaymentFor(tx: Tx, cb: VerifiedCallback): Promise<Payment | undefined> {
  const q = rawTx(tx);
  const rows =
    cb.paymentId && UUID.test(cb.paymentId)
      ? await q`select * from payments where id = ${cb.paymentId}::uuid for update`
      : cb.providerRef
        ? await q`select * from payments where provider = ${cb.provider}::text and provider_ref = ${cb.providerRef}::text order by created_at desc limit 1 for update`
        : cb.orderCode
          ? await q`select * from payments where provider = ${cb.provider}::text and order_code = ${cb.orderCode}::text order by created_at desc limit 1 for update`
          : [];
  return rows[0] ? toPayment(toPaymentRow(rows[0])) : undefined;
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
  const q = rawTx(tx);
  const inserted = await q`
    insert into payment_inbox (provider, provider_txn_id, outcome, payload)
    values (${cb.provider}::text, ${cb.providerTxnId}::text, 'received', ${jsonParam(asRecord(cb.raw))}::jsonb)
    on conflict do nothing returning provider`;
  if (inserted.length === 0) {
    const key = and(eq(paymentInbox.provider, cb.provider), eq(paymentInbox.providerTxnId, cb.providerTxnId));
    const [first] = await tx.select().from(paymentInbox).where(key);
    const [row] = first?.paymentId ? await tx.select().from(payments).where(eq(payments.id, first.paymentId)) : [];
    return {
      duplicate: true,
      outcome: (first?.outcome ?? InboxOutcome.Ignored) as InboxOutcome,
      payment: row ? toPayment(row) : undefined,
      eventMsgId: first?.outboxMsgId ?? undefined,
    };
  }
  const p = await lockPaymentFor(tx, cb);
  const d = decideCallback(p, cb);
  let after = p;
  const eventMsgId = p && d.event ? callbackMsgId(cb) : undefined;
  const refund = (d.outcome === InboxOutcome.Late || d.outcome === InboxOutcome.AmountMismatch) && cb.amountMinor > 0;
  if (p && (d.status || d.flags)) {
    // The payment's change, its event (with NOTIFY) and the inbox outcome in one prepared
    // statement (issue 12). The row is locked, so the new version is the old one plus one; the
    // event is built from the row as it will be.
    const next = {
      ...p,
      ...(d.status ? { status: d.status, providerTxnId: cb.providerTxnId, providerResponse: asRecord(cb.raw) } : {}),
      ...(d.flags ? { flags: d.flags } : {}),
      version: p.version + 1,
    } as Payment;
    const extra = {
      providerTxnId: cb.providerTxnId,
      ...(d.reason ? { reason: d.reason } : {}),
      ...(d.event === PaymentEventType.Flagged
        ? { flags: next.flags, callbackAmountMinor: cb.amountMinor, callbackCurrency: cb.currency }
        : {}),
    };
    const ev = d.event ? paymentEventRow(next, d.event, { msgId: eventMsgId!, extra }) : undefined;
    const [row] = await q`
      with upd as (
        update payments set
          status = ${next.status}::text, provider_txn_id = ${next.providerTxnId ?? null}::text,
          provider_response = ${jsonParam(next.providerResponse)}::jsonb, flags = ${jsonParam(next.flags)}::jsonb,
          version = version + 1, updated_at = now()
        where id = ${p.id}::uuid returning *
      ), ev as (
        insert into payment_outbox (id, msg_id, subject, payload, headers)
        select ${ev?.id ?? null}::uuid, ${ev?.msgId ?? null}::text, ${ev?.subject ?? null}::text, ${ev ? bytesParam(ev.payload) : null}::bytea, ${jsonParam(ev?.headers)}::jsonb
        where ${ev !== undefined}::boolean
        on conflict (msg_id) do nothing returning id
      ), n as (select pg_notify(${OUTBOX_CHANNEL}::text, '') from ev),
      inbox as (
        update payment_inbox set outcome = ${d.outcome}::text, payment_id = ${p.id}::uuid, outbox_msg_id = ${eventMsgId ?? null}::text
        where provider = ${cb.provider}::text and provider_txn_id = ${cb.providerTxnId}::text
      )
      select upd.*, (select count(*) from n)::int as notified from upd`;
    after = toPayment(toPaymentRow(row!));
  }
  if (after && refund) {
    // Money that cannot buy anything goes back, in the same transaction as the flag (exactly once per transfer).
    await requestRefundTx(tx, after, {
      providerTxnId: cb.providerTxnId,
      amountMinor: cb.amountMinor,
      currency: cb.currency,
      reason: d.reason ?? 'refundRequired',
    });
  }
  if (!(p && (d.status || d.flags))) {
    await q`
      update payment_inbox set outcome = ${d.outcome}::text, payment_id = ${p?.id ?? null}::uuid, outbox_msg_id = ${eventMsgId ?? null}::text
      where provider = ${cb.provider}::text and provider_txn_id = ${cb.providerTxnId}::text`;
  }
  return { duplicate: false, outcome: d.outcome, payment: after, eventMsgId: after && d.event ? eventMsgId : undefined };
}
