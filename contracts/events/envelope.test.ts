/**
 * @module contracts/events/envelope.test
 * The event envelope contract: `decodeEvent` reads msgpack (with or without the header: events
 * stored before it existed) and JSON when `content-type` says so, refuses what is not an envelope,
 * and, given a kind's schemas, refuses an event whose data does not match its type's schema while
 * passing types it does not list.
 */
import { describe, expect, it } from 'vitest';
import { Format, encode } from '../codec.js';
import { EVENT_TYPE_HEADER, decodeEvent, encodeEvent, eventHeaders, type DomainEventMessage } from './envelope.js';
import { CheckinEventSchemas } from './checkin.js';

const headersOf = (h: Record<string, string>) => ({ get: (name: string) => h[name] ?? '' });
const event: DomainEventMessage = {
  type: 'checkin.checkedIn',
  kind: 'checkin',
  id: 'b1',
  seq: 3,
  n: 0,
  at: 1_000,
  data: { type: 'checkin.checkedIn', eventId: 'e1', checkins: [{ ticketId: 't1', at: 1_000, gate: 'A', by: 'u1' }] },
};

describe('contracts/events - envelope', () => {
  it('headers name the codec and the type; msgpack by default, JSON on request', () => {
    expect(eventHeaders('checkin.checkedIn', Format.Msgpack, 'r1')).toEqual({
      'content-type': 'application/msgpack',
      [EVENT_TYPE_HEADER]: 'checkin.checkedIn',
      'tb-request-id': 'r1',
    });
    expect(eventHeaders('x.y', Format.Json)['content-type']).toBe('application/json');
    expect(JSON.parse(new TextDecoder().decode(encodeEvent(event, Format.Json)))).toEqual(event);
  });

  it('decodes msgpack with or without a header, and JSON by its header', () => {
    expect(decodeEvent(encodeEvent(event))).toEqual({ ok: true, event });
    expect(decodeEvent(encodeEvent(event), headersOf(eventHeaders(event.type, Format.Msgpack)))).toEqual({ ok: true, event });
    expect(decodeEvent(encodeEvent(event, Format.Json), headersOf(eventHeaders(event.type, Format.Json)))).toEqual({ ok: true, event });
    // JSON bytes read as msgpack (no header) are not an envelope: the header is what makes JSON readable.
    expect(decodeEvent(encodeEvent(event, Format.Json)).ok).toBe(false);
  });

  it('refuses what is not an envelope, never throws', () => {
    expect(decodeEvent(new Uint8Array([0xc1, 0xff]))).toEqual({ ok: false, reason: 'undecodable body' });
    expect(decodeEvent(encode('hello'))).toEqual({ ok: false, reason: 'not a domain event envelope' });
    expect(decodeEvent(encode({ ...event, seq: -1 }))).toEqual({ ok: false, reason: 'not a domain event envelope' });
    expect(decodeEvent(encode({ ...event, data: [] }))).toEqual({ ok: false, reason: 'not a domain event envelope' });
  });

  it('with schemas: a listed type must match, an unlisted type passes unchecked', () => {
    expect(decodeEvent(encodeEvent(event), undefined, CheckinEventSchemas).ok).toBe(true);
    const bad = decodeEvent(
      encodeEvent({ ...event, data: { ...event.data, checkins: [{ ticketId: 7, at: 1_000, gate: 'A', by: 'u1' }] } }),
      undefined,
      CheckinEventSchemas,
    );
    expect(bad).toEqual({ ok: false, reason: expect.stringMatching(/^bad checkin\.checkedIn: \/checkins\/0\/ticketId /) });
    expect(decodeEvent(encodeEvent({ ...event, type: 'checkin.other', data: {} }), undefined, CheckinEventSchemas).ok).toBe(true);
  });
});
