import { describe, expect, it } from 'vitest';
import { encode } from '../contracts/index.js';
import { decodeCatalogMessage, POSITION_SCALE } from './decode.js';

const projection = {
  eventId: 'e1',
  name: 'N\u0000ame',
  description: '',
  location: '',
  startsAt: 1,
  endsAt: 2,
  categories: ['a'],
  status: 'PUBLISHED',
  isPublic: true,
  isFree: false,
  isNewTrending: false,
  allowWaitRoom: false,
  createdBy: 'u',
  ticketClassIds: [],
  version: 3,
  updatedAt: 1,
};
const envelope = (type: string, data: Record<string, unknown>, seq = 7, n = 1) =>
  encode({ type, kind: type.split('.')[0], id: 'x', seq, n, at: 1, requestId: 'req-1', data });

describe('catalog decode', () => {
  it('catalog - event messages carry the projection (NUL stripped) and the requestId', () => {
    const d = decodeCatalogMessage('tb.evt.event.e1.roleChanged', envelope('event.roleChanged', { projection, userId: 'bob', role: null }));
    expect(d.requestId).toBe('req-1');
    expect(d.change).toMatchObject({ type: 'event', projection: { name: 'Name', version: 3 }, staff: { userId: 'bob', role: null } });
  });

  it('catalog - ticket class messages get a position, a state and details when they carry them', () => {
    const d = decodeCatalogMessage(
      'tb.evt.ticketclass.c1.created',
      envelope('ticketclass.created', {
        classId: 'c1',
        eventId: 'e1',
        available: 5,
        name: 'GA',
        priceMinor: 100,
        currency: 'USD',
        total: 5,
      }),
    );
    expect(d.change).toMatchObject({
      type: 'ticketclass',
      position: 7 * POSITION_SCALE + 1,
      state: 'active',
      details: { name: 'GA', saleStartsAt: null },
    });
    const r = decodeCatalogMessage(
      'tb.evt.ticketclass.c1.reserved',
      envelope('ticketclass.reserved', { classId: 'c1', eventId: 'e1', available: 4 }),
    );
    expect(r.change).not.toHaveProperty('state');
    expect(r.change).not.toHaveProperty('details');
  });

  it('catalog - other kinds are ignored, bad bytes and shapes are poison', () => {
    expect(decodeCatalogMessage('tb.evt.order.o1.created', new Uint8Array([0xc1])).change.type).toBe('ignored');
    expect(decodeCatalogMessage('tb.evt.event.e1.updated', new Uint8Array([0xc1, 0xff])).change.type).toBe('poison');
    expect(decodeCatalogMessage('tb.evt.event.e1.updated', encode('hello')).change.type).toBe('poison');
    expect(decodeCatalogMessage('tb.evt.event.e1.updated', envelope('event.updated', { projection: { eventId: 'e1' } })).change.type).toBe(
      'poison',
    );
    expect(
      decodeCatalogMessage('tb.evt.ticketclass.c1.created', envelope('ticketclass.created', { classId: 'c1', eventId: 'e1', available: 1 }))
        .change.type,
    ).toBe('poison');
    expect(
      decodeCatalogMessage(
        'tb.evt.ticketclass.c1.paused',
        envelope('ticketclass.paused', { classId: 'c1', eventId: 'e1', available: 1 }, 1, POSITION_SCALE),
      ).change.type,
    ).toBe('poison');
  });
});
