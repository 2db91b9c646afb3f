/**
 * @module catalog/decode
 * Turns one `TB_EVENTS` message into the change the catalog applies, or says why it cannot.
 * Pure. Invariant: anything that is not a well-formed `event.*` / `ticketclass.*` domain event is
 * either `ignored` (another kind: not ours) or `poison` (ours but undecodable) — never a throw, so
 * one bad message can never stall the projector.
 */
import { Value } from '@sinclair/typebox/value';
import { EVENTS_ROOT } from '../contracts/index.js';
import { decodeEvent, type HeaderReader } from '../contracts/events/index.js';
import { EventProjection } from '../contracts/kinds/index.js';

/** Positions are `seq * POSITION_SCALE + n`: one bigint orders a ticket class actor's events. */
export const POSITION_SCALE = 1_048_576;

/** Open / paused / closed, as set by `ticketclass.created|resumed` / `.paused` / `.closed`. */
export const ClassState = { Active: 'active', Paused: 'paused', Closed: 'closed' } as const;
export type ClassState = (typeof ClassState)[keyof typeof ClassState];

/** The catalog fields a `ticketclass.created` / `.updated` carries. */
export interface ClassDetails {
  name: string;
  priceMinor: number;
  currency: string;
  total: number;
  saleStartsAt: number | null;
  saleEndsAt: number | null;
}

/** What one message means to the catalog (tagged by `type`). */
export type CatalogChange =
  /** An `event.*` event: upsert `projection` if newer; `staff` set for `event.roleChanged`. */
  | { type: 'event'; eventType: string; projection: EventProjection; staff?: { userId: string; role: string | null } }
  /** A `ticketclass.*` event at `position`; `state` and `details` only when the event sets them. */
  | {
      type: 'ticketclass';
      eventType: string;
      classId: string;
      eventId: string;
      available: number;
      position: number;
      state?: ClassState;
      details?: ClassDetails;
    }
  /** Not a kind the catalog reads: acknowledge and move on. */
  | { type: 'ignored'; reason: string }
  /** Ours but unusable: log it with its sequence and terminate it. */
  | { type: 'poison'; reason: string };

/** The envelope fields the projector logs (`requestId` when the command carried one). */
export interface DecodedMessage {
  change: CatalogChange;
  requestId?: string;
}

const STATE_OF: Record<string, ClassState> = {
  'ticketclass.created': ClassState.Active,
  'ticketclass.resumed': ClassState.Active,
  'ticketclass.paused': ClassState.Paused,
  'ticketclass.closed': ClassState.Closed,
};

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
/** PostgreSQL text cannot hold U+0000; strip it rather than fail the whole batch. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what must go
const clean = (s: string): string => s.replace(/\u0000/g, '');

/** Deep-clean every string of a JSON-like value of NUL characters. */
function cleanDeep<T>(v: T): T {
  if (typeof v === 'string') return clean(v) as T;
  if (Array.isArray(v)) return v.map(cleanDeep) as T;
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cleanDeep(x)])) as T;
  return v;
}

/**
 * Decode the message on `subject` with body `data` (`decodeEvent`: the envelope contract, the
 * format its `content-type` header names). Kinds other than `event` and `ticketclass`
 * are `ignored` without decoding the body.
 */
export function decodeCatalogMessage(subject: string, data: Uint8Array, headers?: HeaderReader): DecodedMessage {
  const parts = subject.split('.');
  const kind = parts[EVENTS_ROOT.split('.').length];
  if (kind !== 'event' && kind !== 'ticketclass') return { change: { type: 'ignored', reason: `kind ${kind ?? '?'}` } };
  const decoded = decodeEvent(data, headers);
  if (!decoded.ok) return { change: { type: 'poison', reason: decoded.reason } };
  const body = decoded.event;
  const requestId = isStr(body.requestId) ? body.requestId.slice(0, 128) : undefined;
  const out = (change: CatalogChange): DecodedMessage => (requestId ? { change, requestId } : { change });
  const d = body.data;
  if (kind === 'event') {
    if (!Value.Check(EventProjection, d.projection)) return out({ type: 'poison', reason: `${body.type} without a valid projection` });
    const change: CatalogChange = { type: 'event', eventType: body.type, projection: cleanDeep(d.projection) };
    if (body.type === 'event.roleChanged') {
      if (!isStr(d.userId) || !(d.role === null || isStr(d.role)))
        return out({ type: 'poison', reason: 'roleChanged without userId/role' });
      change.staff = { userId: clean(d.userId), role: d.role };
    }
    return out(change);
  }
  return out(ticketClassChange(body.type, body.seq, body.n, d));
}

function ticketClassChange(eventType: string, seq: number, n: number, d: Record<string, unknown>): CatalogChange {
  if (!isStr(d.classId) || !isStr(d.eventId) || !isInt(d.available))
    return { type: 'poison', reason: `${eventType} without classId/eventId/available` };
  if (seq < 0 || n < 0 || n >= POSITION_SCALE || !Number.isSafeInteger(seq * POSITION_SCALE + n)) {
    return { type: 'poison', reason: `position out of range (seq ${seq}, n ${n})` };
  }
  const change: CatalogChange = {
    type: 'ticketclass',
    eventType,
    classId: clean(d.classId),
    eventId: clean(d.eventId),
    available: Math.max(0, d.available),
    position: seq * POSITION_SCALE + n,
  };
  const state = STATE_OF[eventType];
  if (state) change.state = state;
  if (eventType === 'ticketclass.created' || eventType === 'ticketclass.updated') {
    if (!isStr(d.name) || !isInt(d.priceMinor) || !isStr(d.currency) || !isInt(d.total)) {
      return { type: 'poison', reason: `${eventType} without its catalog fields` };
    }
    change.details = {
      name: clean(d.name),
      priceMinor: d.priceMinor,
      currency: clean(d.currency),
      total: d.total,
      saleStartsAt: isInt(d.saleStartsAt) ? d.saleStartsAt : null,
      saleEndsAt: isInt(d.saleEndsAt) ? d.saleEndsAt : null,
    };
  }
  return change;
}
