/**
 * @module payments/refunds/worker
 * The refund worker: a durable consumer `payment-refunds` on `tb.evt.payment.*.refundRequested`
 * (the events the refund requests put in the payments outbox) that executes each refund through
 * its provider (`executeRefund`). Invariants: a message is acked only once its refund is finished
 * (SUCCEEDED or FAILED, committed with its event); a provider that is processing or did not
 * answer gets the message back after `retryDelayMs` (the same refund id is sent again, which the
 * provider deduplicates); a redelivered or replayed request finds the refund finished and only
 * acks. Poison messages are logged and terminated.
 */
import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { Counter, Registry, type Metric } from 'prom-client';
import { EVENTS_ROOT } from '../../contracts/index.js';
import { PaymentEventSchemas, PaymentEventType, decodeEvent, type HeaderReader } from '../../contracts/events/index.js';
import type { Db } from '../../db/index.js';
import { settle, startDurableConsumer, type DurableConsumer } from '../../platform/index.js';
import type { HttpClient } from '../providers/types.js';
import type { RefundProviders } from './registry.js';
import { executeRefund } from './store.js';

/** Durable name and filter of the worker. */
export const REFUND_WORKER_CONSUMER = 'payment-refunds';
export const REFUND_WORKER_FILTER = `${EVENTS_ROOT}.payment.*.refundRequested`;

/** What the worker needs. */
export interface RefundWorkerOptions {
  nc: NatsConnection;
  db: Db;
  providers: RefundProviders;
  http: HttpClient;
  log: Logger;
  registry?: Registry;
  /** Delay before a pending or unanswered refund is tried again (default 2 s). */
  retryDelayMs?: number;
  now?: () => number;
  name?: string;
}

function reuse<T extends Metric>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** The refund id a `payment.refundRequested` message names, or undefined. */
export function refundIdOf(data: Uint8Array, headers?: HeaderReader): string | undefined {
  const d = decodeEvent(data, headers, PaymentEventSchemas);
  return d.ok && d.event.type === PaymentEventType.RefundRequested ? String(d.event.data['refundId']) : undefined;
}

/** Start the worker. Never throws after start. */
export function startRefundWorker(o: RefundWorkerOptions): DurableConsumer {
  const registry = o.registry ?? new Registry();
  const counter = reuse(
    registry,
    'tb_refunds_total',
    () =>
      new Counter({
        name: 'tb_refunds_total',
        help: 'refund executions by outcome (succeeded, failed, pending, poison)',
        labelNames: ['provider', 'outcome'],
        registers: [registry],
      }),
  );
  const log = o.log.child({ module: 'payment-refunds' });
  const retryDelay = o.retryDelayMs ?? 2_000;
  const deps = { http: o.http, now: o.now ?? Date.now };

  const one = async (m: JsMsg) => {
    const refundId = refundIdOf(m.data, m.headers);
    if (!refundId) {
      log.error({ seq: m.seq, subject: m.subject }, 'refund request poison message terminated');
      counter.inc({ provider: 'unknown', outcome: 'poison' });
      settle.term(m);
      return;
    }
    try {
      const out = await executeRefund(o.db, o.providers, refundId, deps);
      counter.inc({ provider: out.refund.provider, outcome: out.status });
      if (out.status === 'pending') {
        log.warn({ refundId, err: out.retryable?.message }, 'refund not finished yet; asking again later');
        settle.nak(m, retryDelay);
        return;
      }
      if (out.status === 'failed')
        log.error(
          { refundId, orderId: out.refund.orderId, error: out.refund.lastError },
          'refund refused by the provider: an operator must act',
        );
      else log.info({ refundId, orderId: out.refund.orderId, amountMinor: out.refund.amountMinor }, 'refunded');
      settle.ack(m);
    } catch (err) {
      log.warn({ err, refundId }, 'refund could not be executed now; will be redelivered');
      settle.nak(m, retryDelay);
    }
  };

  return startDurableConsumer({
    nc: o.nc,
    name: o.name ?? REFUND_WORKER_CONSUMER,
    filter: REFUND_WORKER_FILTER,
    log,
    batchSize: 16,
    ackWaitMs: 90_000,
    handle: async (msgs) => {
      await Promise.all(msgs.map(one));
    },
  });
}
