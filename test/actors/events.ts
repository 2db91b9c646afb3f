/**
 * @module test/actors/events
 * Reads the domain events one actor published to the `TB_EVENTS` stream: all of them in stream
 * order (`readEvents`: an ordered consumer without a filter, since nats-server 2.9 half-applies
 * multi-filter consumers, so the subject is matched here), or the last one of a type
 * (`lastEvent`: a direct get by subject), or how often each message id was stored
 * (`countByMsgId`: proves a publisher never stored an event twice). Events are at-least-once: readers key them by
 * business id.
 */
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { DomainEventMessage } from '../../contracts/events/index.js';
import { EVENTS_ROOT, EVENTS_STREAM, eventSubject } from '../../contracts/index.js';
import {
  CheckinEventSchemas,
  EventEventSchemas,
  OrderEventSchemas,
  PaymentEventSchemas,
  QueueEventSchemas,
  TicketClassEventSchemas,
  decodeEvent,
} from '../../contracts/events/index.js';

/** Every kind's event schemas: what the tests read must match the contract. */
const ALL = {
  ...EventEventSchemas,
  ...TicketClassEventSchemas,
  ...QueueEventSchemas,
  ...OrderEventSchemas,
  ...CheckinEventSchemas,
  ...PaymentEventSchemas,
};

/** The envelope of one stored message (header-aware: msgpack or JSON); throws on a malformed one so a test fails loudly. */
function envelope(data: Uint8Array, headers?: { get(name: string): string }): DomainEventMessage {
  const d = decodeEvent(data, headers, ALL);
  if (!d.ok) throw new Error(`malformed event: ${d.reason}`);
  return d.event;
}

/** Every event of `kind.id` stored in `TB_EVENTS` up to now. */
export async function readEvents(nc: NatsConnection, kind: string, id: string): Promise<DomainEventMessage[]> {
  const jsm = await jetstreamManager(nc);
  const last = (await jsm.streams.info(EVENTS_STREAM)).state.last_seq;
  const out: DomainEventMessage[] = [];
  if (last === 0) return out;
  const prefix = `${EVENTS_ROOT}.${kind}.${id}.`;
  const consumer = await jetstream(nc).consumers.get(EVENTS_STREAM, { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume({ max_messages: 1_000 });
  for await (const m of messages) {
    if (m.subject.startsWith(prefix)) out.push(envelope(m.data, m.headers));
    if (m.info.streamSequence >= last) break;
  }
  await messages.close();
  return out;
}

/** The events of `type` keyed by `data[key]` (the last one wins: duplicates are re-deliveries). */
export function eventsBy(events: DomainEventMessage[], type: string, key: string): Map<string, Record<string, unknown>> {
  return new Map(events.filter((e) => e.type === type).map((e) => [String(e.data[key]), e.data]));
}

/**
 * The last domain event stored in `TB_EVENTS` for `kind.id` of `type` (e.g. `ticketclass.released`),
 * or undefined when the stream holds none yet.
 */
export async function lastEvent(nc: NatsConnection, kind: string, id: string, type: string): Promise<DomainEventMessage | undefined> {
  const jsm = await jetstreamManager(nc);
  const m = await jsm.streams.getMessage(EVENTS_STREAM, { last_by_subj: eventSubject(kind, id, type) }).catch(() => undefined); // none on that subject (yet)
  return m ? envelope(m.data, m.header) : undefined;
}

/** How many times each `Nats-Msg-Id` is stored in `TB_EVENTS`. */
export async function countByMsgId(nc: NatsConnection): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const total = (await (await jetstreamManager(nc)).streams.info(EVENTS_STREAM)).state.messages;
  if (total === 0) return counts;
  const messages = await (await jetstream(nc).consumers.get(EVENTS_STREAM)).consume();
  for await (const m of messages) {
    const id = m.headers?.get('Nats-Msg-Id') ?? '(none)';
    counts.set(id, (counts.get(id) ?? 0) + 1);
    if (m.info.pending === 0) break;
  }
  await messages.close();
  return counts;
}
