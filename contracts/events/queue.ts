/**
 * @module contracts/events/queue
 * Domain events a queue emits (past tense, to the outbox, published on
 * `tb.evt.queue.<eventId>.<name>`). Every event carries `eventId` and `at` (the command's time).
 * `queue.advanced` is the "now serving" broadcast: ONE event per transition that moved the
 * cursor, never one per waiting user; WebSocket gateways fan it out. Delivery is at-least-once
 * (runtime rule 4: effects after commit, at least once): consumers dedupe by `Nats-Msg-Id` or keep the highest `cursor`.
 */
import { Type, type Static, type TProperties } from '@sinclair/typebox';

function event<T extends string, P extends TProperties>(type: T, properties: P) {
  return Type.Object({
    type: Type.Literal(type),
    eventId: Type.String(),
    at: Type.Integer({ description: 'ms since epoch: the time of the command that caused it' }),
    ...properties,
  });
}

/** Names of the events, as a const object. */
export const QueueEventType = {
  Created: 'queue.created',
  Opened: 'queue.opened',
  Joined: 'queue.joined',
  Left: 'queue.left',
  Ready: 'queue.ready',
  Expired: 'queue.expired',
  Released: 'queue.released',
  Advanced: 'queue.advanced',
  SoldOut: 'queue.soldOut',
  AllHeld: 'queue.allHeld',
  Resumed: 'queue.resumed',
} as const;

const T = QueueEventType;
const Cursor = { cursor: Type.Integer(), admittedRate: Type.Number(), slotsInUse: Type.Integer() };

/** TypeBox schema of every emitted event, by type. */
export const QueueEventSchemas = {
  /** The commitment: `seedHash = sha256(seed)` is public before anyone joins. */
  [T.Created]: event(T.Created, { seedHash: Type.String(), maxConcurrent: Type.Integer(), opensAt: Type.Optional(Type.Integer()) }),
  /** The reveal: with `seed` and `preQueueSize` anyone recomputes the pre-queue order. */
  [T.Opened]: event(T.Opened, { seed: Type.String(), seedHash: Type.String(), preQueueSize: Type.Integer(), ...Cursor }),
  [T.Joined]: event(T.Joined, { ticket: Type.Integer(), userId: Type.String(), preQueue: Type.Boolean() }),
  [T.Left]: event(T.Left, {
    ticket: Type.Integer(),
    position: Type.Optional(Type.Integer()),
    sessionId: Type.String(),
    userId: Type.String(),
  }),
  /** Admitted: the slot is claimed and the checkout clock runs until `deadline`. */
  [T.Ready]: event(T.Ready, { position: Type.Integer(), sessionId: Type.String(), userId: Type.String(), deadline: Type.Integer() }),
  /** A slot's deadline passed: `unclaimed` (called, nobody came) or `checkout` (the 15 minutes ran out). */
  [T.Expired]: event(T.Expired, {
    position: Type.Integer(),
    reason: Type.Union([Type.Literal('unclaimed'), Type.Literal('checkout')]),
    sessionId: Type.Optional(Type.String()),
    userId: Type.Optional(Type.String()),
  }),
  /** The checkout ended (`complete`, or the user left): the slot is free. */
  [T.Released]: event(T.Released, {
    position: Type.Integer(),
    sessionId: Type.String(),
    userId: Type.Optional(Type.String()),
    outcome: Type.String(),
  }),
  [T.Advanced]: event(T.Advanced, { ...Cursor, from: Type.Integer() }),
  /** Every ticket is sold: waiting is pointless (broadcast to the waiters). */
  [T.SoldOut]: event(T.SoldOut, { available: Type.Integer(), ...Cursor }),
  /** Nothing available, but `held` tickets are held by unpaid checkouts: admission pauses, waiters keep their places. */
  [T.AllHeld]: event(T.AllHeld, { available: Type.Integer(), held: Type.Integer(), ...Cursor }),
  /** Stock came back (a hold lapsed or was released, or total grew): admission resumes. */
  [T.Resumed]: event(T.Resumed, { available: Type.Integer(), ...Cursor }),
};

type Schemas = typeof QueueEventSchemas;
/** One emitted event. */
export type QueueEvent = { [K in keyof Schemas]: Static<Schemas[K]> }[keyof Schemas];
/** The emitted event of a given type. */
export type QueueEventOf<K extends QueueEvent['type']> = Extract<QueueEvent, { type: K }>;
/** Union of all emitted event schemas, for a consumer that validates what it reads. */
export const QueueEventSchema = Type.Union(Object.values(QueueEventSchemas));
