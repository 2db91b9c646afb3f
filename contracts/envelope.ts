/**
 * @module contracts/envelope
 * How a reply looks on NATS. Success: body `{ commandId, result }`. Error: body
 * `{ code, message, retryable, details?, commandId? }` plus the nats.js services error headers
 * (`Nats-Service-Error-Code` = HTTP status, `Nats-Service-Error` = message) and `tb-error-code`.
 * Both sides use these functions, so the format lives in one place.
 */
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';
import { decode, encode, formatOf, contentTypeOf, CONTENT_TYPE_HEADER, type Format } from './codec.js';
import { Headers } from './subjects.js';
import { TbError } from './tb-error.js';
import type { ErrorBody } from './errors.js';

/** A successful reply body. */
export interface ReplyBody<R = unknown> {
  commandId?: string;
  result: R;
}

/** Headers + payload of an encoded reply. A msgpack success reply carries no headers at all. */
export interface EncodedReply {
  data: Uint8Array;
  headers: MsgHdrs | undefined;
}

/**
 * Encode a success reply. msgpack is the default format, so a msgpack success reply needs no
 * headers (they cost more than the payload on the hot path); a JSON reply says so.
 */
export function encodeReply(result: unknown, format: Format, commandId?: string): EncodedReply {
  let h: MsgHdrs | undefined;
  if (format !== 'msgpack') {
    h = natsHeaders();
    h.set(CONTENT_TYPE_HEADER, contentTypeOf(format));
  }
  const body: ReplyBody = commandId === undefined ? { result } : { commandId, result };
  return { data: encode(body, format), headers: h };
}

export function encodeErrorReply(err: TbError, format: Format, commandId?: string): EncodedReply & { headers: MsgHdrs } {
  const h = natsHeaders();
  h.set(CONTENT_TYPE_HEADER, contentTypeOf(format));
  h.set(Headers.ErrorCode, String(err.code));
  h.set(Headers.ServiceErrorCode, String(err.status));
  h.set(Headers.ServiceError, err.message.replace(/[\r\n]+/g, ' ').slice(0, 512));
  const body: ErrorBody & { commandId?: string } = err.toBody();
  if (commandId !== undefined) body.commandId = commandId;
  return { data: encode(body, format), headers: h };
}

/** Minimal view of a received NATS message. */
export interface ReplyMsg {
  data: Uint8Array;
  headers?: MsgHdrs | undefined;
}

/** Decode a reply: returns the success body or throws the `TbError` it carries. */
export function decodeReply<R = unknown>(msg: ReplyMsg): ReplyBody<R> {
  const format = formatOf(msg.headers?.get(CONTENT_TYPE_HEADER) || undefined);
  const body = decode(msg.data, format) as Record<string, unknown>;
  const code = msg.headers?.get(Headers.ErrorCode);
  if (code || msg.headers?.get(Headers.ServiceErrorCode)) {
    if (body && typeof body.code === 'string') throw TbError.fromBody(body as unknown as ErrorBody);
    throw TbError.fromBody({ code: code || 'INTERNAL', message: msg.headers?.get(Headers.ServiceError) ?? 'error', retryable: false });
  }
  return body as unknown as ReplyBody<R>;
}
