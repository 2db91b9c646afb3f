/**
 * @module actors/runtime/recent-writes
 * Which actors were written just before a takeover. A node can die between committing a state
 * write and publishing its effects (outbox, reply log); those effects live in the entry, and
 * the new owner must wake the actor to publish them even if no command ever comes for it again.
 * Rather than paying an index write per command, the new owner reads the headers of the state
 * bucket's recent writes (the bucket is a stream) and of the journal's recent records, and wakes
 * the actors of its new partitions.
 */
import type { JetStreamClient } from '@nats-io/jetstream';
import { readSince } from './read-since.js';
import { JOURNAL_ROOT, JOURNAL_STREAM } from './journal.js';

const STATE_STREAM = 'KV_tb_state';
const STATE_PREFIX = '$KV.tb_state.';

/**
 * Keys (`kind.id`) written since `sinceMs`, read headers-only. Bounded: stops when nothing is
 * pending, or after `idleMs` without a message.
 */
export async function recentlyWrittenKeys(js: JetStreamClient, sinceMs: number, idleMs = 1_000): Promise<Set<string>> {
  const keys = new Set<string>();
  await readSince(js, { stream: STATE_STREAM, filter: `${STATE_PREFIX}>`, sinceMs, idleMs, headersOnly: true, maxMessages: 1_000 }, (m) => {
    keys.add(m.subject.slice(STATE_PREFIX.length));
  });
  // Kinds that persist by batch write their journal (journal.ts), not the state bucket.
  const prefix = `${JOURNAL_ROOT}.`;
  await readSince(js, { stream: JOURNAL_STREAM, filter: `${prefix}>`, sinceMs, idleMs, headersOnly: true, maxMessages: 1_000 }, (m) => {
    keys.add(m.subject.slice(prefix.length));
  });
  return keys;
}
