/**
 * @module orders/event-cancel
 * Cancelling an event ends its open orders: a durable consumer `order-event-cancel` on
 * `tb.evt.event.*.cancelled` asks every order of the event still RESERVING or PENDING (as the
 * order history last projected it) to `eventCancelled`; each order cancels itself, releases its
 * holds (intents the saga worker performs) and frees its slot and quota, and from then on a
 * payment for it is recorded with `refundRequired`, never completing it.
 * Invariants: exactly-once in effect — the message is acked only after every open order
 * answered, a crash redelivers it, and each order dedupes by the command id
 * `event-cancelled:<eventId>`; an order created just before the cancellation and not projected
 * yet is caught by a sweep `resweepMs` after the cancellation (the message is nak'ed until then),
 * and its payment is refused completion by the payment consumer's own check in any case.
 */
import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { EVENTS_ROOT, TbError } from '../contracts/index.js';
import { EventEventSchemas, decodeEvent } from '../contracts/events/index.js';
import { createActors, type ActorClient } from '../actors/client/index.js';
import { settle, startDurableConsumer, type DurableConsumer } from '../platform/index.js';
import type { OrderHistoryStore } from './history/types.js';

/** Durable name and filter of the consumer. */
export const EVENT_CANCEL_CONSUMER = 'order-event-cancel';
export const EVENT_CANCEL_FILTER = `${EVENTS_ROOT}.event.*.cancelled`;

/** What the consumer needs. */
export interface EventCancelOptions {
  nc: NatsConnection;
  store: Pick<OrderHistoryStore, 'openOrderIds'>;
  actors: ActorClient;
  log: Logger;
  /** Delay of the second sweep (default 10 s). */
  resweepMs?: number;
  /** Delay of the nak after a failed sweep (default 1 s). */
  retryDelayMs?: number;
  name?: string;
}

const PAGE = 200;

/** Ask every open order of `eventId` to end because the event was cancelled; resolves with how many were asked. */
export async function cancelOpenOrders(o: Pick<EventCancelOptions, 'store' | 'actors'>, eventId: string): Promise<number> {
  const actors = createActors(o.actors, { budgetMs: 10_000 });
  let asked = 0;
  let after: string | undefined;
  for (;;) {
    const ids = await o.store.openOrderIds(eventId, PAGE, after);
    await Promise.all(
      ids.map((orderId) =>
        actors
          .order(orderId)
          .eventCancelled({}, ['event-cancelled', eventId])
          .catch((err: unknown) => {
            if (!TbError.is(err, 'COMMAND_NOT_FOUND')) throw err;
          }),
      ),
    );
    asked += ids.length;
    if (ids.length < PAGE) return asked;
    after = ids[ids.length - 1];
  }
}

/** Start the consumer. Never throws after start. */
export function startEventCancelConsumer(o: EventCancelOptions): DurableConsumer {
  const log = o.log.child({ module: 'order-event-cancel' });
  const resweep = o.resweepMs ?? 10_000;
  const retry = o.retryDelayMs ?? 1_000;
  const one = async (m: JsMsg): Promise<void> => {
    let eventId: string;
    let at: number;
    const decoded = decodeEvent(m.data, m.headers, EventEventSchemas);
    if (!decoded.ok) {
      log.error({ reason: decoded.reason, seq: m.seq, subject: m.subject }, 'event-cancel poison message terminated');
      settle.term(m);
      return;
    }
    eventId = decoded.event.id;
    at = decoded.event.at;
    try {
      const asked = await cancelOpenOrders(o, eventId);
      // Done once a sweep ran `resweep` after the cancellation: by then every order created before it is projected.
      const wait = at + resweep - Date.now();
      log.info({ eventId, asked, final: wait <= 0 }, 'open orders of a cancelled event cancelled');
      if (wait > 0) settle.nak(m, wait);
      else settle.ack(m);
    } catch (err) {
      log.warn({ err, eventId }, 'event-cancel sweep failed; will be redelivered');
      settle.nak(m, retry);
    }
  };
  return startDurableConsumer({
    nc: o.nc,
    name: o.name ?? EVENT_CANCEL_CONSUMER,
    filter: EVENT_CANCEL_FILTER,
    log,
    batchSize: 16,
    handle: async (msgs) => {
      await Promise.all(msgs.map(one));
    },
  });
}
