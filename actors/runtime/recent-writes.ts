/**
 * @module actors/runtime/recent-writes
 * Which actors were written just before a takeover. A node can die between committing a state
 * write and publishing its effects (outbox, reply log); those effects live in the entry, and
 * the new owner must wake the actor to publish them even if no command ever comes for it again.
 * Rather than paying an index write per command, the new owner reads the headers of the state
 * bucket's recent writes (the bucket is a stream) and wakes the actors of its new partitions.
 */
import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';

const STATE_STREAM = 'KV_tb_state';
const STATE_PREFIX = '$KV.tb_state.';

/**
 * Keys (`kind.id`) written since `sinceMs`, read headers-only. Bounded: stops when nothing is
 * pending, or after `idleMs` without a message.
 */
export async function recentlyWrittenKeys(js: JetStreamClient, sinceMs: number, idleMs = 1_000): Promise<Set<string>> {
  const keys = new Set<string>();
  const consumer = await js.consumers.get(STATE_STREAM, {
    filter_subjects: `${STATE_PREFIX}>`,
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date(sinceMs).toISOString(),
    headers_only: true,
  });
  const messages = await consumer.consume({ max_messages: 1_000 });
  let idle: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => void messages.stop(), idleMs);
  };
  arm();
  try {
    for await (const m of messages) {
      keys.add(m.subject.slice(STATE_PREFIX.length));
      if (m.info.pending === 0) break;
      arm();
    }
  } finally {
    clearTimeout(idle);
    await messages.close().catch(() => undefined);
  }
  return keys;
}
