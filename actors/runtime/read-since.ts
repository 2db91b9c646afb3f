/**
 * @module actors/runtime/read-since
 * Read a stream's messages on one subject filter from a point in time, with an ordered consumer,
 * until nothing is pending (or nothing arrives for `idleMs`). The one bounded catch-up read of
 * the runtime: the reply log on reactivation and the takeover scan of recent state writes.
 */
import { DeliverPolicy, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';

export interface ReadSinceOptions {
  stream: string;
  filter: string;
  sinceMs: number;
  /** Stop after this long without a message (a filter with nothing to deliver). */
  idleMs: number;
  /** Deliver headers only (for reading subjects, not bodies). */
  headersOnly?: boolean;
  maxMessages?: number;
}

/** Call `each` for every message since `sinceMs`, in stream order; resolves when caught up. */
export async function readSince(js: JetStreamClient, o: ReadSinceOptions, each: (m: JsMsg) => void): Promise<void> {
  const consumer = await js.consumers.get(o.stream, {
    filter_subjects: o.filter,
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date(o.sinceMs).toISOString(),
    ...(o.headersOnly ? { headers_only: true } : {}),
  });
  const messages = await consumer.consume({ max_messages: o.maxMessages ?? 512 });
  let idle: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => void messages.stop(), o.idleMs);
  };
  arm();
  try {
    for await (const m of messages) {
      each(m);
      if (m.info.pending === 0) break;
      arm();
    }
  } finally {
    clearTimeout(idle);
    await messages.close().catch(() => undefined);
  }
}
