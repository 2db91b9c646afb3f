/**
 * @module tickets/consumer
 * The tickets process's two durable consumers on `TB_EVENTS`: `tickets-orders` on
 * `tb.evt.order.>` issues an order's tickets on `order.completed` and voids them on
 * `order.refunded` (the refund path's domain event: `data.orderId`, `data.eventId`); and
 * `tickets-checkins` on `tb.evt.checkin.>` copies each check-in onto its ticket row.
 * Invariants: a message is acked only after its effect committed; failures nak with a delay
 * (nothing lost); every effect is idempotent (deterministic ticket ids with
 * `ON CONFLICT DO NOTHING`, voids that answer the same twice, check-ins that keep the earliest),
 * so redelivery and a restart in the middle of a batch issue nothing twice. Messages of one
 * consumer are applied in stream order, so an order's refund never overtakes its issuance.
 */
import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { EVENTS_ROOT } from '../contracts/index.js';
import { decodeEvent } from '../contracts/events/index.js';
import { parseOrderView } from '../orders/history.js';
import { settle, startDurableConsumer, type DurableConsumer } from '../platform/index.js';
import type { NewTicket, TicketStore } from './store.js';
import { ticketsForOrder } from './issue.js';
import type { TicketService } from './service.js';

/** Durable names and filters. */
export const TICKETS_ORDERS_CONSUMER = 'tickets-orders';
export const TICKETS_CHECKINS_CONSUMER = 'tickets-checkins';
export const ORDER_FILTER = `${EVENTS_ROOT}.order.>`;
export const CHECKIN_FILTER = `${EVENTS_ROOT}.checkin.>`;
/** The refund path's domain event (emitted by the order actor's refund). */
export const ORDER_REFUNDED = 'order.refunded';

export interface TicketsConsumerOptions {
  nc: NatsConnection;
  store: TicketStore;
  service: Pick<TicketService, 'voidOrderTickets'>;
  log: Logger;
  registry?: Registry;
  batchSize?: number;
  retryDelayMs?: number;
  ackWaitMs?: number;
  /** Durable name prefix (tests use their own). */
  prefix?: string;
}

/** The body of a domain event message (the envelope contract), or undefined when it is not one. */
function bodyOf(m: JsMsg): { type: string; data: Record<string, unknown> } | undefined {
  const d = decodeEvent(m.data, m.headers);
  return d.ok ? { type: d.event.type, data: d.event.data } : undefined;
}

/** Apply a batch of order events: issue (batched into one insert) and void, in stream order. */
export function createOrdersBatchHandler(
  o: Pick<TicketsConsumerOptions, 'store' | 'service' | 'log' | 'retryDelayMs'> & { issued?: (n: number) => void },
) {
  return async (msgs: readonly JsMsg[]): Promise<void> => {
    let pending: NewTicket[] = [];
    let held: JsMsg[] = [];
    const done = new Set<JsMsg>();
    const ack = (m: JsMsg) => {
      done.add(m);
      settle.ack(m);
    };
    const term = (m: JsMsg) => {
      done.add(m);
      settle.term(m);
    };
    const flush = async () => {
      if (held.length === 0) return;
      const n = await o.store.issue(pending);
      o.issued?.(n);
      for (const m of held) ack(m);
      pending = [];
      held = [];
    };
    try {
      for (const m of msgs) {
        const b = bodyOf(m);
        if (!b) {
          o.log.error({ seq: m.seq, subject: m.subject }, 'tickets: undecodable order event terminated');
          await flush();
          term(m);
          continue;
        }
        if (b.type === 'order.completed') {
          const order = parseOrderView(b.data['order']);
          if (!order) {
            o.log.error({ seq: m.seq }, 'tickets: order.completed without an order view terminated');
            await flush();
            term(m);
            continue;
          }
          pending.push(...ticketsForOrder(order));
          held.push(m);
        } else if (b.type === ORDER_REFUNDED && typeof b.data['orderId'] === 'string') {
          await flush();
          await o.service.voidOrderTickets(b.data['orderId'], 'refunded');
          ack(m);
        } else {
          // Only what issued before this one must wait for it; an unrelated event is acked at once.
          if (held.length === 0) ack(m);
          else held.push(m);
        }
      }
      await flush();
    } catch (err) {
      o.log.warn({ err }, 'tickets: order events failed; they will be redelivered');
      for (const m of msgs) if (!done.has(m)) settle.nak(m, o.retryDelayMs ?? 1_000);
    }
  };
}

type Checkin = { ticketId: string; at: number; gate: string; by: string };
const isCheckin = (c: unknown): c is Checkin => {
  const o = c as Record<string, unknown> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o['ticketId'] === 'string' &&
    typeof o['at'] === 'number' &&
    typeof o['gate'] === 'string' &&
    typeof o['by'] === 'string'
  );
};

/** The check-ins an event carries: version 2 lists them in `checkins`; version 1 had one at the top level. Undefined = malformed. */
function checkinsOf(d: Record<string, unknown>): Checkin[] | undefined {
  if (Array.isArray(d['checkins'])) return d['checkins'].every(isCheckin) ? d['checkins'] : undefined;
  return isCheckin(d) ? [{ ticketId: d.ticketId, at: d.at, gate: d.gate, by: d.by }] : undefined;
}

/** Apply a batch of check-in events onto the ticket rows: one statement for the whole batch. */
export function createCheckinsBatchHandler(o: Pick<TicketsConsumerOptions, 'store' | 'log' | 'retryDelayMs'>) {
  return async (msgs: readonly JsMsg[]): Promise<void> => {
    const todo: JsMsg[] = [];
    const all: Checkin[] = [];
    for (const m of msgs) {
      const b = bodyOf(m);
      const d = b?.data;
      if (!b || !d || b.type !== 'checkin.checkedIn') {
        settle.ack(m);
        continue;
      }
      const checkins = checkinsOf(d);
      if (!checkins) {
        settle.term(m);
        continue;
      }
      all.push(...checkins);
      todo.push(m);
    }
    if (todo.length === 0) return;
    try {
      await o.store.markCheckedInMany(all);
      for (const m of todo) settle.ack(m);
    } catch (err) {
      o.log.warn({ err, seq: todo[0]!.seq }, 'tickets: check-in projection failed; redelivered');
      for (const m of todo) settle.nak(m, o.retryDelayMs ?? 1_000);
    }
  };
}

/** Start both consumers. */
export function startTicketsConsumers(o: TicketsConsumerOptions): DurableConsumer {
  const prefix = o.prefix ?? '';
  const issuedTotal = o.registry
    ? new Counter({ name: 'tb_tickets_issued_total', help: 'tickets newly issued', registers: [o.registry] })
    : undefined;
  const orders = startDurableConsumer({
    nc: o.nc,
    name: `${prefix}${TICKETS_ORDERS_CONSUMER}`,
    filter: ORDER_FILTER,
    log: o.log,
    batchSize: o.batchSize ?? 256,
    ...(o.ackWaitMs ? { ackWaitMs: o.ackWaitMs } : {}),
    handle: createOrdersBatchHandler({ ...o, issued: (n) => issuedTotal?.inc(n) }),
  });
  const checkins = startDurableConsumer({
    nc: o.nc,
    name: `${prefix}${TICKETS_CHECKINS_CONSUMER}`,
    filter: CHECKIN_FILTER,
    log: o.log,
    batchSize: o.batchSize ?? 256,
    ...(o.ackWaitMs ? { ackWaitMs: o.ackWaitMs } : {}),
    handle: createCheckinsBatchHandler(o),
  });
  return {
    async stop() {
      await Promise.all([orders.stop(), checkins.stop()]);
    },
  };
}
