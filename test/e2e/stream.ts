/**
 * @module test/e2e/stream
 * Read-only checks on the `TB_EVENTS` stream for the end-to-end tests: every stored message whose
 * subject starts with a prefix, with its `Nats-Msg-Id` and decoded event type, read by an ordered
 * consumer without a filter (nats-server 2.9 half-applies filtered ordered consumers; the prefix
 * is matched here, as `test/actors/events.ts` does).
 */
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { decode, EVENTS_STREAM } from '../../contracts/index.js';

/** One stored event. */
export interface StoredEvent {
  seq: number;
  subject: string;
  msgId: string | undefined;
  type: string;
  data: Record<string, unknown>;
}

/** Every message in `TB_EVENTS` up to now whose subject starts with `prefix`. */
export async function storedEvents(nc: NatsConnection, prefix: string): Promise<StoredEvent[]> {
  const jsm = await jetstreamManager(nc);
  const last = (await jsm.streams.info(EVENTS_STREAM)).state.last_seq;
  const out: StoredEvent[] = [];
  if (last === 0) return out;
  const consumer = await jetstream(nc).consumers.get(EVENTS_STREAM, { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume({ max_messages: 1_000 });
  for await (const m of messages) {
    if (m.subject.startsWith(prefix)) {
      const body = decode(m.data) as { type?: string; data?: Record<string, unknown> };
      out.push({
        seq: m.info.streamSequence,
        subject: m.subject,
        msgId: m.headers?.get('Nats-Msg-Id') || undefined,
        type: String(body.type),
        data: body.data ?? {},
      });
    }
    if (m.info.streamSequence >= last) break;
  }
  await messages.close();
  return out;
}

/** How many times each key occurs. */
export function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}
