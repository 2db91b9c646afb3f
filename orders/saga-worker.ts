/**
 * @module orders/saga-worker
 * The order saga's executor and safety net: a durable JetStream consumer on `tb.evt.order.>`
 * (one filter subject: nats-server 2.9) that performs every intent the order still has open with
 * the intent's own command id — reserves only after a short grace (the gateway performs them
 * first; it may have died or timed out), confirms and releases at once — and
 * frees the waitroom slot (queue `complete`) on `checkout.*` (unbinds it on `checkout.reopened`),
 * and settles the buyer's quota on `order.completed` / `failed` / `cancelled`. At-least-once and idempotent: a
 * performed intent is a no-op the second time. It reads the order only before a reserve or a
 * release (a confirm is performed as asked), and not even then for a first reserve once the
 * stream has shown the order past reserving. A release that keeps failing is reported to the
 * order (`compensationStuck` → `order.compensationStuck`), kept in `stuck()`, and still retried.
 */
import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { CheckoutOutcomeOf, OrderEventType as T } from '../actors/order/index.js';
import { OrderEventSchemas, decodeEvent, type DomainEventMessage } from '../contracts/events/index.js';
import { EVENTS_ROOT, TbError } from '../contracts/index.js';
import { createActorClient, createActors, type Actors } from '../actors/client/index.js';
import type { OrderView } from '../contracts/kinds/order.js';
import { backoffDelay, settle, sleep, startDurableConsumer } from '../platform/index.js';
import { reopenCheckout, settleQuota } from './quota.js';
import { performConfirm, performRelease, performReserve, type LineStep } from './steps.js';

export interface SagaWorkerOptions {
  nc: NatsConnection;
  partitions: number;
  config: { orderSagaGraceMs: number; orderSagaStuckAfter: number };
  log: Logger;
  /** Durable consumer name (default `tb-order-saga`); every worker process shares it. */
  durable?: string;
  /** The actor references; default: an actor client on `nc`. */
  actors?: Actors;
  /** Messages handled at once (default 64). */
  concurrency?: number;
}

/** Counters and the compensations currently stuck (`<orderId>/<classId>`), for `/metrics` and `/readyz`. */
export interface SagaWorkerStats {
  performed: number;
  skipped: number;
  failures: number;
  checkouts: number;
  quota: number;
  stuck: string[];
}

export interface SagaWorker {
  stats(): SagaWorkerStats;
  stop(): Promise<void>;
}

/** Redelivery delay after the n-th failed attempt: 0.5 s doubling to 30 s, jittered. */
const backoff = (n: number) => backoffDelay(n, 500, 30_000);

/**
 * Start the worker on the one consumer loop (`platform/durable-consumer.ts`: creates the durable
 * when missing, waits for `TB_EVENTS`, re-attaches). Never throws after start.
 */
export async function startSagaWorker(opts: SagaWorkerOptions): Promise<SagaWorker> {
  const { log, config } = opts;
  const durable = opts.durable ?? 'tb-order-saga';
  const actors = opts.actors ?? createActors(createActorClient(opts.nc, { partitions: opts.partitions }));
  const counters = { performed: 0, skipped: 0, failures: 0, checkouts: 0, quota: 0 };
  const stuck = new Set<string>();

  /**
   * Orders whose first reserves wait out their grace here, and those of them the stream has since
   * shown past reserving (issue 12: the read-only `get` after the grace was one actor command per
   * order). Only ever a proof that an attempt-0 reserve is no longer open: every event below is
   * emitted after all attempt-0 lines left `pending` (held, releasing or confirmed), and events of
   * one order are published in order. Without the proof the worker reads the order, as before.
   */
  const waitingReserve = new Map<string, { waiters: number; past: boolean }>();
  const PAST_RESERVING: ReadonlySet<string> = new Set([
    T.PaymentRequested,
    T.Pending,
    T.ConfirmRequested,
    T.Completed,
    T.Failed,
    T.Cancelled,
  ]);

  /** Perform one intent if the order still has it open. */
  async function perform(ev: DomainEventMessage): Promise<void> {
    const d = ev.data as { userId: string; classId: string; attempt: number; quantity?: number; holdMs?: number; commandId: string };
    const step: LineStep = { orderId: ev.id, classId: d.classId, attempt: d.attempt, late: d.commandId.endsWith(':late') };
    if (ev.type === T.ConfirmRequested) {
      // No read first: a confirm intent is never withdrawn (a CONFIRMING order can be neither
      // cancelled nor expired), the class dedupes the confirm by its command id, and the order
      // applies `confirmed` / `confirmRefused` only to a line still confirming.
      await performConfirm(actors, step);
      counters.performed++;
      return;
    }
    const view = await actors.order(ev.id).get({ viewerId: d.userId });
    const line = view.lines.find((l) => l.classId === d.classId);
    const open =
      line !== undefined &&
      (line.attempt ?? 0) === d.attempt &&
      (
        {
          [T.ReserveRequested]: line.state === 'pending',
          [T.ReleaseRequested]: line.state === 'releasing' || step.late === true,
        } as Record<string, boolean>
      )[ev.type];
    if (!open) {
      counters.skipped++;
      return;
    }
    if (ev.type === T.ReserveRequested) await performReserve(actors, { ...step, quantity: d.quantity!, holdMs: d.holdMs! });
    else await performRelease(actors, step, 'cancelled');
    counters.performed++;
    stuck.delete(`${ev.id}/${d.classId}`);
  }

  /** A release that failed `attempts` times (or can never succeed): surfaced through the order. */
  async function reportStuck(ev: DomainEventMessage, attempts: number, err: unknown): Promise<void> {
    const d = ev.data as { classId: string; commandId: string };
    stuck.add(`${ev.id}/${d.classId}`);
    log.error({ err, orderId: ev.id, classId: d.classId, attempts }, 'order compensation stuck');
    const error = err instanceof TbError ? err.code : 'INTERNAL';
    await actors
      .order(ev.id)
      .compensationStuck({ classId: d.classId, attempts, error }, [d.commandId, 'stuck'])
      .catch(() => undefined);
  }

  async function handle(m: JsMsg): Promise<void> {
    const decoded = decodeEvent(m.data, m.headers, OrderEventSchemas);
    if (!decoded.ok) {
      log.error({ reason: decoded.reason, seq: m.seq, subject: m.subject }, 'order saga poison message terminated');
      m.term();
      return;
    }
    const ev = decoded.event;
    const attempts = m.info.deliveryCount;
    if (PAST_RESERVING.has(ev.type)) {
      const w = waitingReserve.get(ev.id);
      if (w) w.past = true;
    }
    try {
      if (ev.type in CheckoutOutcomeOf) {
        const d = ev.data as { eventId: string; sessionId: string };
        await actors
          .queue(d.eventId)
          .complete({ sessionId: d.sessionId, outcome: CheckoutOutcomeOf[ev.type as keyof typeof CheckoutOutcomeOf] }, [ev.id, 'checkout'])
          .catch((err: unknown) => {
            if (!TbError.is(err, 'COMMAND_NOT_FOUND')) throw err;
          });
        counters.checkouts++;
      } else if (ev.type === T.CheckoutReopened) {
        const d = ev.data as { eventId: string; sessionId: string };
        await reopenCheckout(actors, d.eventId, d.sessionId, ev.id);
      } else if (ev.type === T.Completed || ev.type === T.Failed || ev.type === T.Cancelled) {
        // The buyer's quota follows the order's end: given back once, or kept for a completed order.
        await settleQuota(actors, (ev.data as { order: OrderView }).order);
        counters.quota++;
      } else if (ev.type === T.ReserveRequested || ev.type === T.ReleaseRequested || ev.type === T.ConfirmRequested) {
        // Reserves are the gateway's to perform first; nobody else performs confirms and most releases promptly.
        const wait = ev.type === T.ReserveRequested ? ev.at + config.orderSagaGraceMs - Date.now() : 0;
        const first = ev.type === T.ReserveRequested && (ev.data as { attempt: number }).attempt === 0;
        const w = first ? (waitingReserve.get(ev.id) ?? { waiters: 0, past: false }) : undefined;
        if (w) waitingReserve.set(ev.id, { ...w, waiters: w.waiters + 1 });
        try {
          if (wait > 0) await sleep(wait);
          if (w && waitingReserve.get(ev.id)?.past) counters.skipped++;
          else await perform(ev);
        } finally {
          const left = waitingReserve.get(ev.id);
          if (w && left) {
            if (left.waiters <= 1) waitingReserve.delete(ev.id);
            else left.waiters--;
          }
        }
      }
      settle.ack(m);
    } catch (err) {
      counters.failures++;
      const final = err instanceof TbError && !err.retryable;
      const isRelease = ev.type === T.ReleaseRequested;
      if (isRelease && (final || attempts >= config.orderSagaStuckAfter)) await reportStuck(ev, attempts, err);
      // A final refusal never succeeds on retry: a stuck release is now surfaced; other steps are settled by the order's deadline.
      if (final) {
        log.warn({ err, orderId: ev.id, type: ev.type }, 'saga step refused');
        settle.ack(m);
        return;
      }
      log.warn({ err, orderId: ev.id, type: ev.type, attempts }, 'saga step failed; retrying');
      settle.nak(m, backoff(attempts));
    }
  }

  // Messages one by one, up to `concurrency` at once: a reserve waits out its grace period without holding up the rest.
  const consumer = startDurableConsumer({
    nc: opts.nc,
    name: durable,
    filter: `${EVENTS_ROOT}.order.>`,
    log,
    ackWaitMs: 60_000,
    maxAckPending: 4_096,
    concurrency: opts.concurrency ?? 64,
    handleEach: handle,
  });

  return {
    stats: () => ({ ...counters, stuck: [...stuck] }),
    stop: () => consumer.stop(),
  };
}
