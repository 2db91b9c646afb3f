/**
 * @module orders/refund-requests
 * Two small durable consumers that turn decisions into refunds:
 * - `order-refund-requests` on `tb.evt.order.*.refundRequested`: the order decided money goes back
 *   (organizer, event cancelled, tickets lost) → `requestRefund` in the payments store, which
 *   records the refund and its `payment.refundRequested` outbox event once per transaction (a
 *   redelivery, or the payments side having asked first, finds the refund and changes nothing).
 * - `order-event-cancellations` on `tb.evt.event.*.cancelled`: every paid (COMPLETED) order of the
 *   cancelled event (from the order-history read model) is asked to refund itself with the
 *   deterministic command id `event-cancelled:<eventId>:<orderId>`, so a redelivered or replayed
 *   cancellation refunds each order once.
 * Invariants: a message is acked only after every effect it asks for committed; a retryable
 * failure naks it (redelivered after `retryDelayMs`); a refusal for good is logged and acked.
 */
import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { EVENTS_ROOT, TbError } from '../contracts/index.js';
import { OrderEventSchemas, decodeEvent } from '../contracts/events/index.js';
import { createActors, type ActorClient } from '../actors/client/index.js';
import { orderHistory, withDbErrors, type Db } from '../db/index.js';
import { settle, startDurableConsumer, type DurableConsumer } from '../platform/index.js';
import { requestRefund } from '../payments/index.js';

/** Durable names and filters. */
export const REFUND_REQUESTS_CONSUMER = 'order-refund-requests';
export const REFUND_REQUESTS_FILTER = `${EVENTS_ROOT}.order.*.refundRequested`;
export const EVENT_CANCELLATIONS_CONSUMER = 'order-event-cancellations';
export const EVENT_CANCELLATIONS_FILTER = `${EVENTS_ROOT}.event.*.cancelled`;

/** The acting user recorded on refunds an event cancellation causes. */
export const EVENT_CANCELLATION_ACTOR = 'system:event-cancellation';

/** What the consumers need. */
export interface RefundConsumersOptions {
  nc: NatsConnection;
  db: Db;
  actors: ActorClient;
  log: Logger;
  retryDelayMs?: number;
}

/** The event's data with its type and id (validated against the order events' schemas), or undefined. */
const dataOf = (m: JsMsg): Record<string, unknown> | undefined => {
  const d = decodeEvent(m.data, m.headers, OrderEventSchemas);
  return d.ok ? { ...d.event.data, type: d.event.type, id: d.event.id } : undefined;
};

/** Every paid order of `eventId`, from the order-history read model. */
export async function paidOrdersOf(db: Db, eventId: string): Promise<string[]> {
  const rows = await withDbErrors(() =>
    db
      .select({ orderId: orderHistory.orderId })
      .from(orderHistory)
      .where(and(eq(orderHistory.eventId, eventId), eq(orderHistory.status, 'COMPLETED'))),
  );
  return rows.map((r) => r.orderId);
}

/** Start both consumers; `stop` stops both. */
export function startRefundConsumers(o: RefundConsumersOptions): DurableConsumer {
  const log = o.log.child({ module: 'order-refunds' });
  const retry = o.retryDelayMs ?? 1_000;
  const guard = async (m: JsMsg, what: string, fn: () => Promise<void>) => {
    try {
      await fn();
      settle.ack(m);
    } catch (err) {
      if (TbError.is(err) && !err.retryable) {
        log.error({ err, seq: m.seq, subject: m.subject }, `${what} refused for good`);
        settle.ack(m);
        return;
      }
      log.warn({ err, seq: m.seq, subject: m.subject }, `${what} not done yet; will be redelivered`);
      settle.nak(m, retry);
    }
  };

  const actors = createActors(o.actors);
  const requests = startDurableConsumer({
    nc: o.nc,
    name: REFUND_REQUESTS_CONSUMER,
    filter: REFUND_REQUESTS_FILTER,
    log,
    batchSize: 32,
    handle: async (msgs) => {
      await Promise.all(
        msgs.map((m) => {
          const d = dataOf(m);
          const paymentId = d?.['paymentId'];
          const txn = d?.['providerTxnId'];
          if (typeof paymentId !== 'string' || typeof txn !== 'string') {
            log.error({ seq: m.seq, subject: m.subject }, 'refund request without paymentId/providerTxnId terminated');
            settle.term(m);
            return undefined;
          }
          const requestedBy = typeof d!['requestedBy'] === 'string' ? d!['requestedBy'] : undefined;
          return guard(m, 'refund request', async () => {
            await requestRefund(o.db, paymentId, {
              providerTxnId: txn,
              reason: String(d!['reason'] ?? 'refund'),
              ...(requestedBy ? { requestedBy } : {}),
            });
          });
        }),
      );
    },
  });

  const cancellations = startDurableConsumer({
    nc: o.nc,
    name: EVENT_CANCELLATIONS_CONSUMER,
    filter: EVENT_CANCELLATIONS_FILTER,
    log,
    batchSize: 4,
    ackWaitMs: 120_000,
    handle: async (msgs) => {
      for (const m of msgs) {
        const eventId = m.subject.split('.')[3];
        if (!eventId) {
          settle.term(m);
          continue;
        }
        await guard(m, 'event cancellation refunds', async () => {
          const orders = await paidOrdersOf(o.db, eventId);
          for (const orderId of orders) {
            await actors
              .order(orderId)
              .refund({ requestedBy: EVENT_CANCELLATION_ACTOR, reason: 'eventCancelled' }, ['event-cancelled', eventId, orderId])
              .catch((err: unknown) => {
                // An order that is no longer COMPLETED (already refunded) needs nothing.
                if (!TbError.is(err, 'REFUND_NOT_REFUNDABLE')) throw err;
              });
          }
          log.info({ eventId, orders: orders.length }, 'event cancelled: paid orders asked to refund');
        });
      }
    },
  });

  return {
    async stop() {
      await Promise.all([requests.stop(), cancellations.stop()]);
    },
  };
}
