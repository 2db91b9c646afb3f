/**
 * @module tools/rehearse/queue-events
 * Reads one waitroom's history from the system itself: every `tb.evt.queue.<eventId>.*` event in
 * `TB_EVENTS` (an ordered consumer with one filter, which nats-server 2.9 supports), deduplicated
 * by the actor's write sequence (`seq.n`, the `Nats-Msg-Id`), since delivery is at-least-once
 * and an actor node killed mid-sale may publish an event twice.
 */
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { decodeEvent, type DomainEventMessage } from '../../contracts/events/index.js';
import { EVENTS_ROOT, EVENTS_STREAM } from '../../contracts/index.js';
import { splitNatsUrl } from '../../config/index.js';

/** The queue's events in stream order, duplicates dropped. */
export interface QueueHistory {
  events: DomainEventMessage[];
  /** How many duplicate deliveries were dropped. */
  duplicates: number;
}

/** Read the history of event `eventId`'s queue from `TB_EVENTS` at `natsUrl`. */
export async function readQueueHistory(natsUrl: string, eventId: string, timeoutMs = 60_000): Promise<QueueHistory> {
  const nc: NatsConnection = await connect({ ...splitNatsUrl(natsUrl), name: 'tb-rehearse-check', noAsyncTraces: true });
  try {
    const jsm = await jetstreamManager(nc);
    const subject = `${EVENTS_ROOT}.queue.${eventId}.>`;
    const info = await jsm.streams.info(EVENTS_STREAM, { subjects_filter: subject });
    const last = info.state.last_seq;
    const events: DomainEventMessage[] = [];
    const seen = new Set<string>();
    let duplicates = 0;
    const consumer = await jetstream(nc).consumers.get(EVENTS_STREAM, { deliver_policy: DeliverPolicy.All, filter_subjects: subject });
    const messages = await consumer.consume({ max_messages: 2_000 });
    const timer = setTimeout(() => void messages.close(), timeoutMs);
    for await (const m of messages) {
      const decoded = decodeEvent(m.data, m.headers);
      if (!decoded.ok) continue;
      const ev = decoded.event;
      const key = `${ev.seq}.${ev.n}`;
      if (seen.has(key)) duplicates++;
      else {
        seen.add(key);
        events.push(ev);
      }
      if (m.info.pending === 0 || m.info.streamSequence >= last) break;
    }
    clearTimeout(timer);
    await messages.close();
    return { events, duplicates };
  } finally {
    await nc.close();
  }
}

/** For each position, the index of the admission wave (`opened` / `advanced`) that called it. */
export function admissionWaves(events: DomainEventMessage[]): (position: number) => number {
  const cursors: number[] = [];
  for (const e of events) {
    if (e.type !== 'queue.advanced' && e.type !== 'queue.opened' && e.type !== 'queue.resumed') continue;
    const c = Number(e.data['cursor']);
    if (c > (cursors.at(-1) ?? 0)) cursors.push(c);
  }
  return (p) => {
    let lo = 0;
    let hi = cursors.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cursors[mid]! >= p) hi = mid;
      else lo = mid + 1;
    }
    return lo; // cursors.length when never called
  };
}
