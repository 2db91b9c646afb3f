/**
 * @module orders/history/projector
 * The order-history projection: a durable consumer `order-history` on `tb.evt.order.>` that
 * applies every event carrying the order view (`data.order`) to an `OrderHistoryStore`.
 * Invariants: a batch is acked only after the store committed it; a store failure naks the
 * batch with a delay (nothing lost); a poison message (undecodable, or not an order view) is
 * logged with its stream sequence, counted and terminated, so it never blocks the others;
 * re-applying is harmless because the store keeps only the highest `(version, n)`.
 */
import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { Counter, Registry, type Metric } from 'prom-client';
import { EVENTS_ROOT } from '../../contracts/index.js';
import { settle, startDurableConsumer, type DurableConsumer } from '../../platform/index.js';
import { decodeOrderMessage } from './decode.js';
import type { OrderHistoryEvent, OrderHistoryStore } from './types.js';

/** The projector's durable consumer name. */
export const ORDER_HISTORY_CONSUMER = 'order-history';
/** The subjects it reads. */
export const ORDER_EVENTS_FILTER = `${EVENTS_ROOT}.order.>`;

/** What `startOrderHistoryProjector` needs. */
export interface OrderHistoryProjectorOptions {
  nc: NatsConnection;
  store: OrderHistoryStore;
  log: Logger;
  registry?: Registry;
  batchSize?: number;
  /** Delay of the nak after a store failure (default 2 s). */
  retryDelayMs?: number;
  ackWaitMs?: number;
  /** Durable name (default `order-history`; tests use their own). */
  name?: string;
}

/** SQLSTATE classes 22 (data) and 23 (integrity): retrying the same event cannot help. */
function isDataError(err: unknown): boolean {
  return /^2[23]/.test(String((err as { dbCode?: unknown })?.dbCode ?? ''));
}

function reuse<T extends Metric>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** Apply a batch of messages to the store; handles every ack/nak/term itself. */
export function createHistoryBatchHandler(
  o: Pick<OrderHistoryProjectorOptions, 'store' | 'log' | 'retryDelayMs'> & { count?: (outcome: string, n: number) => void },
) {
  const count = o.count ?? (() => undefined);
  return async (msgs: readonly JsMsg[]): Promise<void> => {
    const events: OrderHistoryEvent[] = [];
    const good: JsMsg[] = [];
    for (const m of msgs) {
      const d = decodeOrderMessage(m.subject, m.data, m.headers);
      if (d.kind === 'poison') {
        o.log.error({ seq: m.seq, subject: m.subject, reason: d.reason }, 'order-history poison message terminated');
        count('poison', 1);
        settle.term(m);
      } else if (d.kind === 'ignored') {
        count('ignored', 1);
        settle.ack(m);
      } else {
        events.push(d.event);
        good.push(m);
      }
    }
    if (events.length === 0) return;
    const commit = async (evs: OrderHistoryEvent[], ms: readonly JsMsg[]) => {
      const r = await o.store.apply(evs);
      for (const m of ms) settle.ack(m);
      count('applied', r.applied);
      count('stale', r.stale);
    };
    const retry = (ms: readonly JsMsg[], err: unknown) => {
      o.log.warn({ err, seqs: ms.map((m) => m.seq) }, 'order-history store failure; events will be redelivered');
      for (const m of ms) settle.nak(m, o.retryDelayMs ?? 2_000);
      count('retried', ms.length);
    };
    try {
      await commit(events, good);
      return;
    } catch (err) {
      if (!isDataError(err)) {
        retry(good, err);
        return;
      }
    }
    // One event's data was refused by the store: find it by applying one at a time.
    for (let k = 0; k < events.length; k++) {
      try {
        await commit([events[k]!], [good[k]!]);
      } catch (err) {
        if (!isDataError(err)) {
          retry(good.slice(k), err);
          return;
        }
        o.log.error({ seq: good[k]!.seq, subject: good[k]!.subject, err }, 'order-history event refused by the store; terminated');
        count('poison', 1);
        settle.term(good[k]!);
      }
    }
  };
}

/** Start the projector. Never throws after start: failures are logged and retried. */
export function startOrderHistoryProjector(o: OrderHistoryProjectorOptions): DurableConsumer {
  const registry = o.registry ?? new Registry();
  const messages = reuse(
    registry,
    'tb_order_history_messages_total',
    () =>
      new Counter({
        name: 'tb_order_history_messages_total',
        help: 'order events handled by the order-history projector, by outcome',
        labelNames: ['outcome'],
        registers: [registry],
      }),
  );
  const log = o.log.child({ module: 'order-history' });
  return startDurableConsumer({
    nc: o.nc,
    name: o.name ?? ORDER_HISTORY_CONSUMER,
    filter: ORDER_EVENTS_FILTER,
    log,
    ...(o.batchSize ? { batchSize: o.batchSize } : {}),
    ...(o.ackWaitMs ? { ackWaitMs: o.ackWaitMs } : {}),
    handle: createHistoryBatchHandler({
      store: o.store,
      log,
      retryDelayMs: o.retryDelayMs ?? 2_000,
      count: (outcome, n) => {
        if (n > 0) messages.inc({ outcome }, n);
      },
    }),
  });
}
