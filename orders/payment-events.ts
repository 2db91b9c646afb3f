/**
 * @module orders/payment-events
 * Payment events → order commands: a durable consumer `order-payments` on `tb.evt.payment.>`
 * turns `payment.completed` / `payment.failed` / `payment.processing` into the `order` actor's
 * `paymentSucceeded` / `paymentFailed` / `paymentProcessing`, with the deterministic command id
 * `payment:<providerTxnId>:<outcome>`; `payment.flagged` is recorded for operators; the refund
 * events `payment.refundRequested` / `payment.refunded` / `payment.refundFailed` become the order's
 * `refundRequested` / `refunded` / `refundFailed` (command id `refund:<refundId>:<step>`), and a
 * refused refund is also recorded for operators. A payment
 * for an order of a cancelled event first tells the order (`eventCancelled`), so it never completes.
 * Invariants: a message is acked only after the order actor answered (or the flag row
 * committed); a retryable failure naks it with a delay, and later events of the same order in
 * the batch wait with it (per-order order is kept); a payment the order refuses (non-retryable)
 * is recorded in `flagged_payments` and logged, never silently dropped; undecodable messages are
 * logged with their sequence, counted and terminated.
 */
import { createHash } from 'node:crypto';
import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { desc, isNull } from 'drizzle-orm';
import type { Logger } from 'pino';
import { Counter, Registry, type Metric } from 'prom-client';
import { EVENTS_ROOT, TbError } from '../contracts/index.js';
import { PaymentEventSchemas, decodeEvent, type HeaderReader } from '../contracts/events/index.js';
import { createActors, type ActorClient } from '../actors/client/index.js';
import type { CommandKey } from '../contracts/kinds/index.js';
import { EventStatus } from '../contracts/kinds/event.js';
import { flaggedPayments, withDbErrors, type Db, type FlaggedPaymentRow } from '../db/index.js';
import { settle, startDurableConsumer, type DurableConsumer } from '../platform/index.js';

/** Durable name and filter of the consumer. */
export const PAYMENT_EVENTS_CONSUMER = 'order-payments';
export const PAYMENT_EVENTS_FILTER = `${EVENTS_ROOT}.payment.>`;

/** What one payment event asks of the order (or of the operators). */
export type PaymentAction =
  | {
      kind: 'command';
      orderId: string;
      verb: 'paymentSucceeded' | 'paymentFailed' | 'paymentProcessing' | 'refundRequested' | 'refunded' | 'refundFailed';
      body: Record<string, unknown>;
      flag?: typeof flaggedPayments.$inferInsert;
      userId?: string;
    }
  | { kind: 'flag'; row: typeof flaggedPayments.$inferInsert }
  | { kind: 'ignore'; type: string }
  | { kind: 'poison'; reason: string };

const COMMAND_ID = /^[A-Za-z0-9_:.@/+=-]{1,128}$/;

/** `payment:<providerTxnId>:<outcome>`, or a digest of the transaction id when it cannot be a command id as is. */
export function paymentCommandId(providerTxnId: string, outcome: 'completed' | 'failed' | 'processing'): string {
  const id = `payment:${providerTxnId}:${outcome}`;
  return COMMAND_ID.test(id) ? id : `payment:h${createHash('sha256').update(providerTxnId).digest('hex').slice(0, 40)}:${outcome}`;
}

/** Decide what a `TB_EVENTS` message on `tb.evt.payment.>` asks for. Pure; never throws. */
export function paymentActionOf(data: Uint8Array, headers?: HeaderReader): PaymentAction {
  const decoded = decodeEvent(data, headers, PaymentEventSchemas);
  if (!decoded.ok) return { kind: 'poison', reason: decoded.reason };
  const body = decoded.event;
  const type = body.type;
  const d = body.data as Record<string, unknown>;
  const s = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : undefined);
  const paymentId = s('paymentId');
  const orderId = s('orderId');
  const txn = s('providerTxnId');
  if (type === 'payment.flagged') {
    return {
      kind: 'flag',
      row: {
        flagId: `flag:${paymentId ?? '?'}:${String(body.seq)}`,
        source: 'payment.flagged',
        reason: s('reason') ?? 'flagged',
        paymentId,
        orderId,
        orderCode: s('orderCode') ?? body.id,
        userId: s('userId'),
        provider: s('provider'),
        providerTxnId: txn,
        amountMinor: typeof d['amountMinor'] === 'number' ? d['amountMinor'] : null,
        currency: s('currency'),
        details: {
          flags: d['flags'] ?? null,
          callbackAmountMinor: d['callbackAmountMinor'] ?? null,
          callbackCurrency: d['callbackCurrency'] ?? null,
          status: d['status'] ?? null,
        },
      },
    };
  }
  const refundVerbs = {
    'payment.refundRequested': 'refundRequested',
    'payment.refunded': 'refunded',
    'payment.refundFailed': 'refundFailed',
  } as const;
  const refundVerb = refundVerbs[type as keyof typeof refundVerbs];
  if (refundVerb) {
    const refundId = s('refundId');
    const amount = d['refundAmountMinor'];
    if (!paymentId || !orderId || !txn || !refundId || typeof amount !== 'number')
      return { kind: 'poison', reason: `${type} without paymentId, orderId, providerTxnId, refundId or amount` };
    const base = { commandId: `refund:${refundId}:${refundVerb}`, refundId, paymentId, providerTxnId: txn };
    if (refundVerb === 'refundRequested')
      return {
        kind: 'command',
        orderId,
        verb: refundVerb,
        body: { ...base, amountMinor: amount, reason: (s('reason') ?? 'refund').slice(0, 64) },
      };
    if (refundVerb === 'refunded') return { kind: 'command', orderId, verb: refundVerb, body: { ...base, amountMinor: amount } };
    const error = (s('error') ?? 'refused').slice(0, 500);
    return {
      kind: 'command',
      orderId,
      verb: refundVerb,
      body: { ...base, reason: error },
      flag: {
        flagId: `refund-failed:${refundId}`,
        source: 'payment.refundFailed',
        reason: 'refundFailed',
        paymentId,
        orderId,
        orderCode: s('orderCode') ?? body.id,
        userId: s('userId'),
        provider: s('provider'),
        providerTxnId: txn,
        amountMinor: amount,
        currency: s('currency'),
        details: { refundId, error },
      },
    };
  }
  const verbs = {
    'payment.completed': 'paymentSucceeded',
    'payment.failed': 'paymentFailed',
    'payment.processing': 'paymentProcessing',
  } as const;
  const verb = verbs[type as keyof typeof verbs];
  if (!verb) return { kind: 'ignore', type };
  if (!paymentId || !orderId || !txn) return { kind: 'poison', reason: `${type} without paymentId, orderId or providerTxnId` };
  if (verb === 'paymentSucceeded') {
    const userId = s('userId');
    return {
      kind: 'command',
      orderId,
      verb,
      body: {
        commandId: paymentCommandId(txn, 'completed'),
        paymentId,
        providerTxnId: txn,
        amountMinor: d['amountMinor'],
        currency: d['currency'],
      },
      ...(userId ? { userId } : {}),
    };
  }
  if (verb === 'paymentFailed') {
    return {
      kind: 'command',
      orderId,
      verb,
      body: { commandId: paymentCommandId(txn, 'failed'), paymentId, reason: (s('reason') ?? 'payment failed').slice(0, 500) },
    };
  }
  return { kind: 'command', orderId, verb, body: { commandId: paymentCommandId(txn, 'processing'), paymentId } };
}

/** Record a flagged payment once (by `flagId`). */
export async function recordFlaggedPayment(db: Db, row: typeof flaggedPayments.$inferInsert): Promise<void> {
  await withDbErrors(() => db.insert(flaggedPayments).values(row).onConflictDoNothing());
}

/** Unresolved flagged payments, newest first (the platform admins' view). */
export function listFlaggedPayments(db: Db, o: { limit: number }): Promise<FlaggedPaymentRow[]> {
  return withDbErrors(() =>
    db.select().from(flaggedPayments).where(isNull(flaggedPayments.resolvedAt)).orderBy(desc(flaggedPayments.flaggedAt)).limit(o.limit),
  );
}

/** The platform itself, reading an order's event (never sent by a client). */
const SYSTEM_VIEWER = { userId: 'system-payments', platformRoles: ['admin'] };

/** Errors that mean "the order side is not ready": wait and retry rather than flag. */
const NOT_READY = new Set(['COMMAND_UNKNOWN_KIND', 'COMMAND_UNKNOWN_VERB']);

/** What the consumer needs. */
export interface PaymentEventsOptions {
  nc: NatsConnection;
  db: Db;
  actors: ActorClient;
  log: Logger;
  registry?: Registry;
  batchSize?: number;
  /** Delay of the nak after a retryable failure (default 1 s). */
  retryDelayMs?: number;
  /** Budget of one order command, retries included (default 5 s). */
  askBudgetMs?: number;
  ackWaitMs?: number;
  /** Durable name (default `order-payments`). */
  name?: string;
}

function reuse<T extends Metric>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** Start the consumer. Never throws after start. */
export function startPaymentEventsConsumer(o: PaymentEventsOptions): DurableConsumer {
  const registry = o.registry ?? new Registry();
  const counter = reuse(
    registry,
    'tb_order_payment_events_total',
    () =>
      new Counter({
        name: 'tb_order_payment_events_total',
        help: 'payment events handled by the order-payments consumer, by type and outcome',
        labelNames: ['type', 'outcome'],
        registers: [registry],
      }),
  );
  const flagged = reuse(
    registry,
    'tb_payments_flagged_total',
    () =>
      new Counter({
        name: 'tb_payments_flagged_total',
        help: 'payments recorded for operators (mismatch, late money, refused by the order)',
        labelNames: ['source', 'reason'],
        registers: [registry],
      }),
  );
  const log = o.log.child({ module: 'order-payments' });
  const retryDelay = o.retryDelayMs ?? 1_000;

  /**
   * Money for an order whose event is cancelled must not complete it: tell the order first (it is
   * cancelled, holds released, and records the payment with `refundRequired`). Covers an order the
   * event-cancel sweep has not reached yet. A missing order or event changes nothing here.
   */
  const actors = createActors(o.actors, { budgetMs: o.askBudgetMs ?? 5_000 });
  const markIfEventCancelled = async (orderId: string, userId: string): Promise<void> => {
    const missing = (err: unknown) => {
      if (!TbError.is(err, 'COMMAND_NOT_FOUND')) throw err;
      return undefined;
    };
    const order = await actors.order(orderId).get({ viewerId: userId }).catch(missing);
    if (!order) return;
    const ev = await actors.event(order.eventId).get({ viewer: SYSTEM_VIEWER }).catch(missing);
    if (ev?.status === EventStatus.Cancelled) await actors.order(orderId).eventCancelled({}, ['event-cancelled', order.eventId]);
  };

  /** Handle one message; false when it was nak'ed (the rest of its order must wait). */
  const one = async (m: JsMsg): Promise<boolean> => {
    const a = paymentActionOf(m.data, m.headers);
    if (a.kind === 'poison') {
      log.error({ seq: m.seq, subject: m.subject, reason: a.reason }, 'payment event poison message terminated');
      counter.inc({ type: 'unknown', outcome: 'poison' });
      settle.term(m);
      return true;
    }
    if (a.kind === 'ignore') {
      counter.inc({ type: a.type, outcome: 'ignored' });
      settle.ack(m);
      return true;
    }
    try {
      if (a.kind === 'flag') {
        await recordFlaggedPayment(o.db, a.row);
        log.warn({ flag: a.row }, 'payment flagged for operators');
        flagged.inc({ source: a.row.source, reason: a.row.reason });
        counter.inc({ type: 'payment.flagged', outcome: 'recorded' });
        settle.ack(m);
        return true;
      }
      if (a.flag) {
        await recordFlaggedPayment(o.db, a.flag);
        flagged.inc({ source: a.flag.source, reason: a.flag.reason });
      }
      try {
        if (a.verb === 'paymentSucceeded' && a.userId) await markIfEventCancelled(a.orderId, a.userId);
        const { commandId, ...fields } = a.body;
        const order = actors.order(a.orderId);
        // `paymentActionOf` built the body for `a.verb`; the runtime validates it against the verb's schema.
        await (order[a.verb] as (body: Record<string, unknown>, key: CommandKey) => Promise<unknown>).call(order, fields, [
          String(commandId),
        ]);
        counter.inc({ type: a.verb, outcome: 'applied' });
      } catch (err) {
        if (!TbError.is(err) || err.retryable || NOT_READY.has(err.code)) throw err;
        // The order refused the payment for good: keep the money visible, never drop it.
        const row = {
          flagId: `refused:${String(a.body['commandId'])}`,
          source: 'order.refused',
          reason: err.code,
          paymentId: String(a.body['paymentId']),
          orderId: a.orderId,
          orderCode: m.subject.split('.')[3] ?? '',
          details: { verb: a.verb, command: a.body, error: err.toBody() },
        };
        await recordFlaggedPayment(o.db, row);
        log.error({ orderId: a.orderId, verb: a.verb, code: err.code, seq: m.seq }, 'order refused a payment event; flagged for operators');
        flagged.inc({ source: 'order.refused', reason: err.code });
        counter.inc({ type: a.verb, outcome: 'refused' });
      }
      settle.ack(m);
      return true;
    } catch (err) {
      log.warn({ err, seq: m.seq, subject: m.subject, delayMs: retryDelay }, 'payment event not handled yet; will be redelivered');
      counter.inc({ type: a.kind === 'flag' ? 'payment.flagged' : a.verb, outcome: 'retried' });
      settle.nak(m, retryDelay);
      return false;
    }
  };

  const handle = async (msgs: readonly JsMsg[]) => {
    // One lane per order code (the subject's 4th token): orders proceed in parallel, each in order.
    const lanes = new Map<string, JsMsg[]>();
    for (const m of msgs) {
      const key = m.subject.split('.')[3] ?? '';
      lanes.set(key, [...(lanes.get(key) ?? []), m]);
    }
    await Promise.all(
      [...lanes.values()].map(async (lane) => {
        for (let i = 0; i < lane.length; i++) {
          if (await one(lane[i]!)) continue;
          for (const rest of lane.slice(i + 1)) settle.nak(rest, retryDelay);
          return;
        }
      }),
    );
  };

  return startDurableConsumer({
    nc: o.nc,
    name: o.name ?? PAYMENT_EVENTS_CONSUMER,
    filter: PAYMENT_EVENTS_FILTER,
    log,
    handle,
    batchSize: o.batchSize ?? 64,
    ...(o.ackWaitMs ? { ackWaitMs: o.ackWaitMs } : {}),
  });
}
