/**
 * @module contracts/codec
 * Bytes ↔ messages. msgpack by default; JSON when the content type says so, so an operator can
 * type `nats req tb.counter.a.get '{}' -H content-type:application/json` by hand. A reply is
 * always encoded in the format of its request. Decoding never throws anything but a `TbError`
 * with a `CODEC_*` code: bad bytes are a reply, not a crash.
 */
import { Packr } from 'msgpackr';
import { TbError } from './tb-error.js';

/** Wire formats. */
export const Format = { Msgpack: 'msgpack', Json: 'json' } as const;
export type Format = (typeof Format)[keyof typeof Format];

export const CONTENT_TYPE_HEADER = 'content-type';
export const MSGPACK_CONTENT_TYPE = 'application/msgpack';
export const JSON_CONTENT_TYPE = 'application/json';

// useRecords:false on both sides: the default decodes into a msgpackr-only record format.
const packr = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false });
const textDecoder = new TextDecoder('utf-8', { fatal: true });
const textEncoder = new TextEncoder();

/** The format a content-type header asks for; no header means msgpack. Unknown types are refused. */
export function formatOf(contentType: string | undefined | null): Format {
  if (!contentType) return Format.Msgpack;
  const base = contentType.split(';')[0]!.trim().toLowerCase();
  if (base === JSON_CONTENT_TYPE || base === 'text/json') return Format.Json;
  if (base === MSGPACK_CONTENT_TYPE || base === 'application/x-msgpack' || base === 'application/vnd.msgpack') return Format.Msgpack;
  throw new TbError('CODEC_UNSUPPORTED_CONTENT_TYPE', { contentType: base.slice(0, 64) });
}

/**
 * The format of a request: its content-type header when it has one, else JSON when the body is a
 * JSON object (its first byte after ASCII white space is `{`), else msgpack. The sniff is safe: in
 * msgpack those bytes are small integers, never an object, so no valid msgpack command is mistaken
 * for JSON; it lets `nats req tb.event.e1.get '{}'` be answered in JSON without `-H`.
 */
export function requestFormatOf(contentType: string | undefined | null, data: Uint8Array): Format {
  if (contentType) return formatOf(contentType);
  for (const b of data) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x7b ? Format.Json : Format.Msgpack;
  }
  return Format.Msgpack;
}

export function contentTypeOf(format: Format): string {
  return format === Format.Json ? JSON_CONTENT_TYPE : MSGPACK_CONTENT_TYPE;
}

/** Encode a plain value. `undefined` encodes as an empty payload. */
export function encode(value: unknown, format: Format = Format.Msgpack): Uint8Array {
  if (value === undefined) return new Uint8Array(0);
  if (format === Format.Json) return textEncoder.encode(JSON.stringify(value));
  return packr.pack(value);
}

/**
 * Decode a payload. An empty payload decodes as `{}` (so `nats req subj ''` works for verbs with no
 * arguments). Throws `CODEC_PAYLOAD_TOO_LARGE` above `maxBytes` and `CODEC_MALFORMED` on bad bytes.
 */
export function decode(data: Uint8Array, format: Format = Format.Msgpack, maxBytes = Number.POSITIVE_INFINITY): unknown {
  if (data.byteLength > maxBytes) throw new TbError('CODEC_PAYLOAD_TOO_LARGE', { size: data.byteLength, limit: maxBytes });
  if (data.byteLength === 0) return {};
  try {
    if (format === Format.Json) return JSON.parse(textDecoder.decode(data));
    return packr.unpack(data);
  } catch (cause) {
    throw new TbError('CODEC_MALFORMED', { format }, { cause });
  }
}
