/**
 * @module contracts/events/envelope
 * The one envelope of every domain event on `tb.evt.>` (actors' outboxes and the payment
 * outbox): its schema, its headers and its codec. A publisher sets `content-type` (msgpack by
 * default, JSON when the operator asks for readable events) and `tb-event-type`; a consumer
 * decodes with `decodeEvent`, which picks the format from the header (no header: msgpack, as
 * events written before the header existed) and validates the envelope and, given the kind's
 * schemas, the event's `data`. Never throws: a bad message is `{ ok: false, reason }`.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { CONTENT_TYPE_HEADER, Format, contentTypeOf, decode, encode } from '../codec.js';
import { Headers } from '../subjects.js';

/** Header carrying the event type, so consumers can filter without decoding. */
export const EVENT_TYPE_HEADER = 'tb-event-type';

/** The envelope's schema (`data` is checked against the kind's event schema by `decodeEvent`). */
export const DomainEventEnvelope = Type.Object({
  /** Event type, past tense: `ticketclass.reserved`. */
  type: Type.String({ minLength: 1 }),
  kind: Type.String({ minLength: 1 }),
  id: Type.String({ minLength: 1 }),
  /** The writer's sequence that committed the event, and its index in that write. */
  seq: Type.Integer({ minimum: 0 }),
  n: Type.Integer({ minimum: 0 }),
  /** Commit time (ms). */
  at: Type.Number(),
  requestId: Type.Optional(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
});

/** The body of every domain event message on `tb.evt.>`. */
export type DomainEventMessage = Static<typeof DomainEventEnvelope>;
/** An envelope whose `data` is `D`. */
export type DomainEventOf<D> = Omit<DomainEventMessage, 'data'> & { data: D };

/** The headers of one event message (a plain record: the NATS client or the payment outbox row carries it). */
export function eventHeaders(type: string, format: Format, requestId?: string): Record<string, string> {
  const h: Record<string, string> = { [CONTENT_TYPE_HEADER]: contentTypeOf(format), [EVENT_TYPE_HEADER]: type };
  if (requestId) h[Headers.RequestId] = requestId;
  return h;
}

/** Encode an envelope in `format` (msgpack unless the operator asked for JSON events). */
export function encodeEvent(body: DomainEventMessage, format: Format = Format.Msgpack): Uint8Array {
  return encode(body, format);
}

/** What `decodeEvent` answers. */
export type DecodedEvent<D = Record<string, unknown>> = { ok: true; event: DomainEventOf<D> } | { ok: false; reason: string };

/** Anything with `get(name)`: NATS message headers (`msg.headers`). */
export interface HeaderReader {
  get(name: string): string;
}

const envelopeCheck = TypeCompiler.Compile(DomainEventEnvelope);
const checks = new WeakMap<TSchema, TypeCheck<TSchema>>();
function checkOf(schema: TSchema): TypeCheck<TSchema> {
  let c = checks.get(schema);
  if (!c) checks.set(schema, (c = TypeCompiler.Compile(schema)));
  return c;
}

/** The format `headers` name (JSON only when `content-type` says so). */
export function eventFormatOf(headers: HeaderReader | undefined): Format {
  const ct = headers?.get(CONTENT_TYPE_HEADER) ?? '';
  return ct.startsWith('application/json') ? Format.Json : Format.Msgpack;
}

/**
 * Decode and validate one event message. With `schemas` (a kind's `…EventSchemas`), an event whose
 * type is listed must match its schema; types not listed pass with their `data` unchecked (a
 * consumer ignores what it does not read).
 */
export function decodeEvent(data: Uint8Array, headers?: HeaderReader, schemas?: Record<string, TSchema>): DecodedEvent {
  let body: unknown;
  try {
    body = decode(data, eventFormatOf(headers));
  } catch {
    return { ok: false, reason: 'undecodable body' };
  }
  if (!envelopeCheck.Check(body)) return { ok: false, reason: 'not a domain event envelope' };
  const schema = schemas && Object.hasOwn(schemas, body.type) ? schemas[body.type] : undefined;
  if (schema) {
    const c = checkOf(schema);
    if (!c.Check(body.data)) {
      const first = c.Errors(body.data).First();
      return { ok: false, reason: `bad ${body.type}: ${first ? `${first.path || '/'} ${first.message}` : 'does not match its schema'}` };
    }
  }
  return { ok: true, event: body as never };
}
