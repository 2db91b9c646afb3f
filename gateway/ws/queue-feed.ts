/**
 * @module gateway/ws/queue-feed
 * One core NATS subscription per event that has at least one connected socket on THIS gateway
 * (`tb.evt.queue.<eventId>.>`), reference-counted: the first `watch` subscribes, the last
 * `unwatch` unsubscribes. Every gateway process subscribes on its own; nothing is shared
 * between gateways but the queue actor's events. Invariant: one queue event = one callback,
 * whatever the number of sockets; a malformed message is counted and skipped, never thrown.
 */
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { EVENTS_ROOT } from '../../contracts/index.js';
import { decodeEvent, type HeaderReader } from '../../contracts/events/index.js';
import type { QueueFeedEvent } from './types.js';

/** The per-event subscriptions of one gateway. */
export interface QueueFeed {
  /** Count one more socket for `eventId`; subscribes on the first. */
  watch(eventId: string): void;
  /** Count one socket less; unsubscribes after the last. */
  unwatch(eventId: string): void;
  /** Events with a live subscription (tests, stats). */
  watched(): string[];
  /** Messages that could not be decoded. */
  readonly malformed: number;
  /** Unsubscribe everything. */
  close(): void;
}

/** The subject a gateway subscribes to for one event's queue. */
export function queueFeedSubject(eventId: string): string {
  return `${EVENTS_ROOT}.queue.${eventId}.>`;
}

/** Decode one outbox envelope (`DomainEventMessage`) into a feed event; undefined when malformed. */
export function parseQueueEvent(subject: string, bytes: Uint8Array, headers?: HeaderReader): QueueFeedEvent | undefined {
  const parts = subject.split('.');
  // tb.evt.queue.<eventId>.<name>
  if (parts.length !== 5) return undefined;
  const decoded = decodeEvent(bytes, headers);
  if (!decoded.ok) return undefined;
  const data = decoded.event.data;
  const at = typeof data['at'] === 'number' ? data['at'] : decoded.event.at;
  return { name: parts[4]!, eventId: parts[3]!, at, data };
}

/** Subscribe per event on `nc`, calling `onEvent` for every decoded queue event. */
export function createQueueFeed(nc: NatsConnection, onEvent: (ev: QueueFeedEvent) => void): QueueFeed {
  const subs = new Map<string, { sub: Subscription; refs: number }>();
  let malformed = 0;
  return {
    watch(eventId) {
      const entry = subs.get(eventId);
      if (entry) {
        entry.refs++;
        return;
      }
      const sub = nc.subscribe(queueFeedSubject(eventId), {
        callback: (err, msg) => {
          if (err) return;
          const ev = parseQueueEvent(msg.subject, msg.data, msg.headers);
          if (!ev) {
            malformed++;
            return;
          }
          onEvent(ev);
        },
      });
      subs.set(eventId, { sub, refs: 1 });
    },
    unwatch(eventId) {
      const entry = subs.get(eventId);
      if (!entry) return;
      if (--entry.refs > 0) return;
      subs.delete(eventId);
      entry.sub.unsubscribe();
    },
    watched: () => [...subs.keys()],
    get malformed() {
      return malformed;
    },
    close() {
      for (const { sub } of subs.values()) sub.unsubscribe();
      subs.clear();
    },
  };
}
