/**
 * @module contracts/kinds/protocol
 * `KindProtocols`, the one table of every actor kind's public verbs: their command schema, their
 * reply schema, and which verbs only read. The typed actor references (`actors/client`), the
 * runtime's kinds (each handler's `schema` is the protocol's, checked by a test) and the docs are
 * derived from it. Also the one command-id scheme: a command id is its key's parts joined by `:`.
 * Types and pure functions only.
 */
import { createHash } from 'node:crypto';
import type { Static, TSchema } from '@sinclair/typebox';
import { BuyerCommands, BuyerReplies } from './buyer.js';
import { CheckinCommands, CheckinReplies } from './checkin.js';
import { EventCommands, EventReplies } from './event.js';
import { OrderCommands, OrderReplies } from './order.js';
import { OrderCodeCommands, OrderCodeReplies } from './ordercode.js';
import { QueueCommands, QueueReplies } from './queue.js';
import { TicketClassCommands, TicketClassReplies } from './ticketclass.js';

/**
 * Every kind's verbs: `{ [kind]: { commands, replies, reads } }`. A verb in `reads` is answered
 * from the snapshot without a write; its `commandId` is optional (a caller invents none).
 */
export const KindProtocols = {
  ticketclass: { commands: TicketClassCommands, replies: TicketClassReplies, reads: ['get'] },
  event: { commands: EventCommands, replies: EventReplies, reads: ['get', 'checkAccess'] },
  queue: { commands: QueueCommands, replies: QueueReplies, reads: ['status', 'statuses'] },
  order: { commands: OrderCommands, replies: OrderReplies, reads: ['get'] },
  buyer: { commands: BuyerCommands, replies: BuyerReplies, reads: ['get'] },
  checkin: { commands: CheckinCommands, replies: CheckinReplies, reads: ['get'] },
  ordercode: { commands: OrderCodeCommands, replies: OrderCodeReplies, reads: ['get'] },
} as const satisfies Record<string, { commands: Record<string, TSchema>; replies: Record<string, TSchema>; reads: readonly string[] }>;

type Protocols = typeof KindProtocols;
/** A kind with a public protocol. */
export type KindName = keyof Protocols;
/** A verb of `K`. */
export type VerbOf<K extends KindName> = keyof Protocols[K]['commands'] & string;
/** The read-only verbs of `K`. */
export type ReadVerbOf<K extends KindName> = Protocols[K]['reads'][number] & VerbOf<K>;
/** The writing verbs of `K`. */
export type WriteVerbOf<K extends KindName> = Exclude<VerbOf<K>, ReadVerbOf<K>>;
/** The body of `K.V` without its `commandId` (the reference adds it). */
export type CommandBody<K extends KindName, V extends VerbOf<K>> = Omit<Static<Protocols[K]['commands'][V] & TSchema>, 'commandId'>;
/** The reply of `K.V`. */
export type ReplyOf<K extends KindName, V extends VerbOf<K>> = V extends keyof Protocols[K]['replies']
  ? Static<Protocols[K]['replies'][V] & TSchema>
  : never;

/** True when `verb` of `kind` only reads. */
export function isReadVerb(kind: string, verb: string): boolean {
  const p = (KindProtocols as Record<string, { reads: readonly string[] }>)[kind];
  return p?.reads.includes(verb) ?? false;
}

/**
 * What makes a writing command unique: its parts, most general first (`['join', userId]`,
 * `[orderId, 'paymentCreated']`). The same key is the same command: a repeat answers the first
 * outcome, so a key is deterministic when a retry must not act twice, and carries a fresh
 * part (`uniqueId()`) when every call is a new command.
 */
export type CommandKey = readonly (string | number)[];

const SEPARATOR = ':';
const MAX = 128;
const UNSAFE = /[^A-Za-z0-9_:.@/+=-]/g;

/**
 * The command id of `key`: its parts joined by `:` (a part may itself be a command id; characters
 * outside the command-id alphabet become `_`). An id longer than 128 characters keeps its first 95
 * and ends with `=` + a SHA-256 digest of the whole, so distinct long keys stay distinct.
 */
export function commandIdOf(key: CommandKey): string {
  if (key.length === 0) throw new RangeError('a command key needs at least one part');
  const id = key.map((p) => String(p).replace(UNSAFE, '_')).join(SEPARATOR);
  if (id.length <= MAX) return id;
  return `${id.slice(0, 95)}=${createHash('sha256').update(id).digest('base64url').slice(0, 32)}`;
}
