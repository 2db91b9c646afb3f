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
import { Format, eventSubject } from '../../contracts/index.js';
import { encodeEvent, eventHeaders, type DomainEventMessage } from '../../contracts/events/index.js';
import type { OutboxItem } from './store.js';

/** Turn emitted events into outbox items for write `seq`. */
export function toOutboxItems(
  kind: string,
  id: string,
  seq: number,
  emitted: EventObject[],
  at: number,
  requestIds: (string | undefined)[],
): OutboxItem[] {
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

export class OutboxPublisher {
  /** `format`: msgpack (default, the cheaper), or JSON when the operator wants readable events (the tuning constant `eventsFormat`). */
  constructor(
    private readonly js: JetStreamClient,
    private readonly format: Format = Format.Msgpack,
  ) {}

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
        // content-type says msgpack or JSON; the type header lets a consumer filter without decoding.
        const h = natsHeaders();
        for (const [k, v] of Object.entries(eventHeaders(item.type, this.format, item.requestId))) h.set(k, v);
        return this.js
          .publish(item.subject, encodeEvent(body, this.format), { msgID: item.msgId, headers: h, timeout: 5_000 })
          .then(() => item.msgId);
      }),
    );
    return results.filter((r): r is PromiseFulfilledResult<string> => r.status === 'fulfilled').map((r) => r.value);
  }
}
