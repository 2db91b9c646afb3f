/**
 * @module platform/durable-consumer
 * A durable pull consumer on `TB_EVENTS` with one filter subject (NATS 2.9 allows one), run in
 * a self-healing loop: the one consumer loop of every event consumer (catalog projector and its
 * rebuild, order history, payment events, refunds, notifications, tickets, the order saga).
 * Invariants: messages are handed over either in batches of whatever has arrived (`handle`) or
 * one by one with up to `concurrency` in flight (`handleEach`, for handlers that wait, like the
 * saga's grace period); the handler owns every ack/nak/term; anything still queued when the loop
 * stops is nak'ed at once (or redelivered after `ack_wait`); a restart resumes at the ack floor.
 * While `TB_EVENTS` does not exist yet (the actor nodes create it) the loop waits, saying so once.
 */
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type Consumer,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { EVENTS_STREAM } from '../contracts/index.js';
import { sleep } from './sleep.js';

/** How a durable consumer is set up: exactly one of `handle` (batches) and `handleEach` (one by one). */
export type DurableConsumerOptions = DurableConsumerBase &
  (
    | {
        /** Handle a batch (stream order); must ack, nak or term every message. */ handle(msgs: readonly JsMsg[]): Promise<void>;
        handleEach?: never;
      }
    | {
        /** Handle one message, up to `concurrency` at once; must ack, nak or term it. */ handleEach(msg: JsMsg): Promise<void>;
        handle?: never;
      }
  );

interface DurableConsumerBase {
  nc: NatsConnection;
  /** Durable name. */
  name: string;
  /** The one filter subject, e.g. `tb.evt.order.>`. */
  filter: string;
  log: Logger;
  /** Most messages per batch handed to `handle` (default 256). */
  batchSize?: number;
  /** Ack wait: how long an unacknowledged message waits before redelivery (default 30 s). */
  ackWaitMs?: number;
  /** With `handleEach`: messages in flight at once (default 64). */
  concurrency?: number;
  /** Unacknowledged messages the server lets out (default 4 × the batch size or concurrency). */
  maxAckPending?: number;
}

/** A running consumer. */
export interface DurableConsumer {
  /** Stop pulling; the batch in progress finishes (bounded by 10 s). */
  stop(): Promise<void>;
}

const ns = (ms: number) => ms * 1_000_000;

/**
 * Create durable `name` on `filter` unless it exists (an existing one keeps its position; its
 * ack wait and max ack pending follow the configuration). `inactiveMs` makes a throwaway durable
 * (e.g. a rebuild's) disappear by itself once unused.
 */
export async function ensureDurable(
  nc: NatsConnection,
  name: string,
  filter: string,
  opts: { ackWaitMs: number; maxAckPending: number; inactiveMs?: number },
): Promise<Consumer> {
  const jsm = await jetstreamManager(nc);
  const existing = await jsm.consumers.info(EVENTS_STREAM, name).catch(() => undefined);
  if (existing && (existing.config.ack_wait !== ns(opts.ackWaitMs) || existing.config.max_ack_pending !== opts.maxAckPending)) {
    await jsm.consumers.update(EVENTS_STREAM, name, { ack_wait: ns(opts.ackWaitMs), max_ack_pending: opts.maxAckPending });
  }
  if (!existing) {
    await jsm.consumers.add(EVENTS_STREAM, {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: filter,
      ack_wait: ns(opts.ackWaitMs),
      max_ack_pending: opts.maxAckPending,
      max_deliver: -1,
      ...(opts.inactiveMs ? { inactive_threshold: ns(opts.inactiveMs) } : {}),
    });
  }
  return jetstream(nc).consumers.get(EVENTS_STREAM, name);
}

async function pump(
  consumer: Consumer,
  o: DurableConsumerOptions,
  batchSize: number,
  ctl: { stopping(): boolean; set(m?: ConsumerMessages): void },
): Promise<void> {
  const queue: JsMsg[] = [];
  const inFlight = new Set<Promise<void>>();
  let wake: (() => void) | undefined;
  const messages = await consumer.consume({
    max_messages: batchSize,
    callback: (m) => {
      queue.push(m);
      wake?.();
    },
  });
  ctl.set(messages);
  let ended = false;
  const closed = messages.closed().then(() => {
    ended = true;
    wake?.();
  });
  try {
    while (!ctl.stopping()) {
      if (queue.length === 0) {
        if (ended) break;
        await new Promise<void>((r) => {
          wake = r;
        });
        wake = undefined;
        continue;
      }
      if (o.handle) {
        await o.handle(queue.splice(0, batchSize));
        continue;
      }
      const m = queue.shift()!;
      const p = o
        .handleEach(m)
        .catch((err: unknown) => {
          o.log.error({ err, consumer: o.name }, 'message handler threw');
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= batchSize) await Promise.race(inFlight);
    }
  } finally {
    await Promise.allSettled([...inFlight]);
    for (const m of queue.splice(0)) {
      try {
        m.nak();
      } catch {
        /* redelivered after ack_wait */
      }
    }
    ctl.set(undefined);
    await messages.close().catch(() => undefined);
    await closed;
  }
}

/**
 * Start the consumer: creates the durable when missing (retrying until `TB_EVENTS` exists) and
 * re-attaches whenever the subscription ends. Never throws after start.
 */
export function startDurableConsumer(o: DurableConsumerOptions): DurableConsumer {
  const batchSize = o.handleEach ? (o.concurrency ?? 64) : (o.batchSize ?? 256);
  let stopping = false;
  let waitingSaid = false;
  let current: ConsumerMessages | undefined;
  const ctl = {
    stopping: () => stopping,
    set: (m?: ConsumerMessages) => {
      current = m;
    },
  };
  const loop = (async () => {
    while (!stopping) {
      try {
        const consumer = await ensureDurable(o.nc, o.name, o.filter, {
          ackWaitMs: o.ackWaitMs ?? 30_000,
          maxAckPending: o.maxAckPending ?? batchSize * 4,
        });
        o.log.debug({ consumer: o.name, filter: o.filter }, 'consuming');
        await pump(consumer, o, batchSize, ctl);
        if (!stopping) await sleep(250);
      } catch (err) {
        if (stopping) break;
        if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) {
          // The actor nodes create TB_EVENTS: an expected wait at boot, not a failure.
          if (!waitingSaid) o.log.info({ consumer: o.name }, 'waiting for the TB_EVENTS stream');
          waitingSaid = true;
        } else {
          o.log.warn({ err, consumer: o.name }, 'consumer failed; retrying');
        }
        await sleep(1_000);
      }
    }
  })();
  return {
    async stop() {
      stopping = true;
      await current?.close().catch(() => undefined);
      await Promise.race([loop, sleep(10_000)]);
    },
  };
}

/** Ack, nak or term without throwing (a dead connection means redelivery anyway). */
export const settle = {
  ack(m: JsMsg): void {
    try {
      m.ack();
    } catch {
      /* redelivered, applied harmlessly */
    }
  },
  nak(m: JsMsg, delayMs?: number): void {
    try {
      m.nak(delayMs);
    } catch {
      /* redelivered after ack_wait */
    }
  },
  term(m: JsMsg): void {
    try {
      m.term();
    } catch {
      /* redelivered and judged again */
    }
  },
};
