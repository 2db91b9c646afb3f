/**
 * @module queue/stock-watcher
 * Keeps each queue told about its event's stock: reads `tb.evt.ticketclass.*.*` (and
 * `tb.evt.queue.*.created`, to tell a queue created later) from `TB_EVENTS`
 * (every ticket-class event carries `eventId` and the class's new `available` and `held`), sums
 * both across the event's classes, and sends `stock { available, held, soldOut }` to
 * `tb.queue.<eventId>`, where `soldOut` means every ticket is sold (none available, none held):
 * while what is left is only held, the queue keeps its waiters and admits them when it comes back.
 * Per class only the newest event counts (by the actor's write `seq` and index `n`: publishes of
 * one write may land out of order); per event at most one `stock` is in flight, carrying the
 * latest sum. Events without a queue are skipped (and not asked again until their queue is created). At-least-once and idempotent: `stock` is absolute.
 */
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { EVENTS_ROOT, EVENTS_STREAM, TbError } from '../contracts/index.js';
import { decodeEvent, type DomainEventMessage } from '../contracts/events/index.js';
import { createActorClient, createActors } from '../actors/client/index.js';

export interface StockWatcherOptions {
  nc: NatsConnection;
  partitions: number;
  log: Logger;
}

export interface StockWatcher {
  /** Sums known per event (for tests and metrics). */
  availableOf(eventId: string): number | undefined;
  /** Tickets held by unpaid checkouts, summed per event (for tests and metrics). */
  heldOf(eventId: string): number | undefined;
  stop(): Promise<void>;
}

interface ClassStock {
  available: number;
  held: number;
  seq: number;
  n: number;
}

/** Start reading from the beginning of the stream (the state is rebuilt on every start). */
export async function startStockWatcher(opts: StockWatcherOptions): Promise<StockWatcher> {
  const actors = createActors(createActorClient(opts.nc, { partitions: opts.partitions }));
  const classes = new Map<string, Map<string, ClassStock>>();
  const inFlight = new Set<string>();
  const dirty = new Set<string>();
  let seq = 0;

  /**
   * Events whose queue answered COMMAND_NOT_FOUND: no `stock` is sent to them until their
   * `queue.created` arrives (an event without a waitroom used to cost one actor command per
   * ticket-class change). A queue created while a send was in flight is told again on its
   * `queue.created`, so nothing is missed.
   */
  const queueless = new Set<string>();

  const sumOf = (eventId: string, key: 'available' | 'held' = 'available') =>
    [...(classes.get(eventId)?.values() ?? [])].reduce((s, c) => s + c[key], 0);

  async function send(eventId: string): Promise<void> {
    if (inFlight.has(eventId)) {
      dirty.add(eventId);
      return;
    }
    inFlight.add(eventId);
    try {
      do {
        dirty.delete(eventId);
        const available = sumOf(eventId);
        const held = sumOf(eventId, 'held');
        await actors
          .queue(eventId)
          .stock({ available, held, soldOut: available === 0 && held === 0 }, ['stock', process.pid, ++seq])
          .then(
            () => {
              queueless.delete(eventId);
            },
            (err: unknown) => {
              if (TbError.is(err, 'COMMAND_NOT_FOUND')) queueless.add(eventId);
              else opts.log.warn({ err, eventId }, 'stock watcher: stock not delivered');
            },
          );
      } while (dirty.has(eventId));
    } finally {
      inFlight.delete(eventId);
    }
  }

  function onClassEvent(ev: DomainEventMessage): void {
    const eventId = ev.data['eventId'];
    const available = ev.data['available'];
    // Events written before `held` was added count as holding nothing.
    const held = typeof ev.data['held'] === 'number' ? ev.data['held'] : 0;
    if (typeof eventId !== 'string' || typeof available !== 'number') return;
    const perClass = classes.get(eventId) ?? new Map<string, ClassStock>();
    classes.set(eventId, perClass);
    const prev = perClass.get(ev.id);
    if (prev && (prev.seq > ev.seq || (prev.seq === ev.seq && prev.n > ev.n))) return;
    perClass.set(ev.id, { available, held, seq: ev.seq, n: ev.n });
    if ((prev?.available !== available || prev.held !== held) && !queueless.has(eventId)) void send(eventId);
  }

  // Two ordered consumers, each with the one filter nats-server 2.9 allows: ticket-class events
  // and queue creations only (a single `tb.evt.>` consumer received every order and payment
  // event of the stream, 24 deliveries per paid order, to use two of them).
  const js = jetstream(opts.nc);
  const consume = async (filter: string, handle: (ev: DomainEventMessage) => void) => {
    const consumer = await js.consumers.get(EVENTS_STREAM, { deliver_policy: DeliverPolicy.All, filter_subjects: filter });
    const messages = await consumer.consume({ max_messages: 512 });
    const loop = (async () => {
      for await (const m of messages) {
        const decoded = decodeEvent(m.data, m.headers);
        if (decoded.ok) handle(decoded.event);
      }
    })();
    return { messages, loop };
  };
  const streams = [
    await consume(`${EVENTS_ROOT}.ticketclass.>`, (ev) => {
      if (ev.kind === 'ticketclass') onClassEvent(ev);
    }),
    await consume(`${EVENTS_ROOT}.queue.*.created`, (ev) => {
      const eventId = ev.data['eventId'];
      // A queue created after its classes' events: tell it the stock now.
      if (ev.type !== 'queue.created' || typeof eventId !== 'string') return;
      queueless.delete(eventId);
      if (classes.has(eventId)) void send(eventId);
    }),
  ];

  return {
    availableOf: (eventId) => (classes.has(eventId) ? sumOf(eventId) : undefined),
    heldOf: (eventId) => (classes.has(eventId) ? sumOf(eventId, 'held') : undefined),
    async stop() {
      for (const s of streams) await s.messages.close();
      for (const s of streams) await s.loop.catch(() => undefined);
    },
  };
}
