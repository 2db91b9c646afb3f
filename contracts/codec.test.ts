import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decode, encode, formatOf, requestFormatOf, Format } from './codec.js';
import { TbError } from './tb-error.js';

describe('contracts - codec', () => {
  it('round-trips plain values in both formats', () => {
    fc.assert(
      // `__proto__` keys are excluded here: msgpackr renames them on decode (see the test below).
      fc.property(
        fc.jsonValue().filter((v) => !JSON.stringify(v ?? null).includes('"__proto__"')),
        (v) => {
          const value = JSON.parse(JSON.stringify(v ?? null)) as unknown;
          expect(decode(encode(value, Format.Json), Format.Json)).toEqual(value);
          expect(decode(encode(value, Format.Msgpack), Format.Msgpack)).toEqual(value);
        },
      ),
    );
  });

  it('never lets a __proto__ key reach an object prototype (hostile input)', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    for (const format of [Format.Msgpack, Format.Json]) {
      const out = decode(encode(hostile, format), format) as Record<string, unknown>;
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
      expect(out.polluted).toBeUndefined();
    }
  });

  it('decodes msgpack maps as plain objects, not msgpackr records', () => {
    const out = decode(encode({ a: { b: [1, 2] } })) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out).toEqual({ a: { b: [1, 2] } });
  });

  it('picks the format from the content type; no header means msgpack; unknown types are refused', () => {
    expect(formatOf(undefined)).toBe(Format.Msgpack);
    expect(formatOf('application/json; charset=utf-8')).toBe(Format.Json);
    expect(formatOf('application/msgpack')).toBe(Format.Msgpack);
    expect(() => formatOf('text/xml')).toThrow(expect.objectContaining({ code: 'CODEC_UNSUPPORTED_CONTENT_TYPE' }));
  });

  it('turns bad bytes and oversized payloads into CODEC_* errors, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.constantFrom(Format.Json, Format.Msgpack), (bytes, format) => {
        try {
          decode(bytes, format);
        } catch (err) {
          expect(err).toBeInstanceOf(TbError);
          expect((err as TbError).code).toBe('CODEC_MALFORMED');
        }
      }),
    );
    expect(() => decode(new Uint8Array(11), Format.Msgpack, 10)).toThrow(expect.objectContaining({ code: 'CODEC_PAYLOAD_TOO_LARGE' }));
    expect(decode(new Uint8Array(0))).toEqual({});
  });

  it('a request without content-type is JSON when its body is a JSON object, msgpack otherwise', () => {
    const te = new TextEncoder();
    expect(requestFormatOf(undefined, te.encode('{"a":1}'))).toBe(Format.Json);
    expect(requestFormatOf(undefined, te.encode(' \n\t{}'))).toBe(Format.Json);
    expect(requestFormatOf(undefined, encode({ a: 1 }))).toBe(Format.Msgpack);
    expect(requestFormatOf(undefined, new Uint8Array(0))).toBe(Format.Msgpack);
    expect(requestFormatOf('application/msgpack', te.encode('{}'))).toBe(Format.Msgpack);
    expect(requestFormatOf('application/json', encode({ a: 1 }))).toBe(Format.Json);
    // Every msgpack object starts with 0x80-0x8f, 0xde or 0xdf: never sniffed as JSON.
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (o) => requestFormatOf(undefined, encode(o)) === Format.Msgpack));
  });
});
