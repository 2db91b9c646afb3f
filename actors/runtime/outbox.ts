/**
 * @module actors/runtime/outbox
 * Domain events travel inside the actor's state entry (written in the same compare-and-set as
 * the state that produced them), then are published to JetStream with `Nats-Msg-Id =
 * <kind>.<id>.<seq>.<n>` so the server drops a re-publish, and are removed from the entry in a
 * later write once acknowledged. On load an actor re-publishes whatever is still pending.
 * Delivery is at-least-once; consumers are idempotent anyway (runtime rule 4: effects after commit, at least once).
 */
import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import type { EventObject } from 'xstate';
import { Headers, encode, eventSubject } from '../../contracts/index.js';
import type { OutboxItem } from './store.js';

/** The body of every domain event message on `tb.evt.>`. */
export interface DomainEventMessage {
  /** Event type, past tense: `ticketclass.reserved`. */
  type: string;
  kind: string;
  id: string;
  /** The actor's write sequence that committed the event, and its index in that write. */
  seq: number;
  n: number;
  /** Commit time (ms). */
  at: number;
  requestId?: string;
  data: Record<string, unknown>;
}

/** Turn emitted events into outbox items for write `seq`. */
export function toOutboxItems(kind: string, id: string, seq: number, emitted: EventObject[], at: number, requestIds: (string | undefined)[]): OutboxItem[] {
  return emitted.map((ev, n) => {
    const item: OutboxItem = {
      msgId: `${kind}.${id}.${seq}.${n}`,
      subject: eventSubject(kind, id, ev.type),
      type: ev.type,
      data: { ...ev } as Record<string, unknown>,
      at,
    };
    const rid = requestIds[n];
    if (rid) item.requestId = rid;
    return item;
  });
}

/** Header carrying the event type, so consumers can filter without decoding. */
export const EVENT_TYPE_HEADER = 'tb-event-type';

export class OutboxPublisher {
  constructor(private readonly js: JetStreamClient) {}

  /**
   * Publish `items` concurrently; resolves with the message ids JetStream acknowledged
   * (duplicates count as acknowledged). Failed items are simply not in the result: they stay in
   * the entry and are retried by the next attempt.
   */
  async publish(kind: string, id: string, items: readonly OutboxItem[]): Promise<string[]> {
    const results = await Promise.allSettled(
      items.map((item) => {
        const [, , seq, n] = item.msgId.split('.').slice(-4);
        const body: DomainEventMessage = { type: item.type, kind, id, seq: Number(seq), n: Number(n), at: item.at, data: item.data };
        if (item.requestId) body.requestId = item.requestId;
        // Bodies are msgpack (the default, so no content-type header); the type header lets a
        // consumer filter without decoding.
        const h = natsHeaders();
        h.set(EVENT_TYPE_HEADER, item.type);
        if (item.requestId) h.set(Headers.RequestId, item.requestId);
        return this.js.publish(item.subject, encode(body), { msgID: item.msgId, headers: h, timeout: 5_000 }).then(() => item.msgId);
      }),
    );
    return results.filter((r): r is PromiseFulfilledResult<string> => r.status === 'fulfilled').map((r) => r.value);
  }
}
