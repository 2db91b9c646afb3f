/**
 * The order service's event cache (issue 12: no `event.get` per order) on real NATS: a create
 * after the event was cancelled is refused at once (the cache drops the event on the command's
 * copy), an order for a class added after the cache was filled is accepted (a refusal on a cached
 * view is decided again on the actor's answer), and repeated creates read the event once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventCache } from '../../orders/index.js';
import type { EventView } from '../../contracts/kinds/event.js';
import { startOrdersStack, type OrdersStack } from './setup.js';

let s: OrdersStack;
beforeAll(async () => {
  s = await startOrdersStack();
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

const ORGANIZER = { userId: 'organizer', platformRoles: ['admin'] };
const buy = async (eventId: string, classId: string, key: string) => {
  const u = await s.signUp();
  return s.api('POST', '/api/v1/orders', { token: u.token, key, body: { eventId, lines: [{ classId, quantity: 1 }] } });
};

describe('orders - event cache', () => {
  it('orders - event cache: a create right after the event is cancelled is refused, never served from the cache', async () => {
    const [c0] = await s.publishEvent('ev-cache-cancel', [{ total: 10 }]);
    expect((await buy('ev-cache-cancel', c0!, 'a1')).status).toBe(201);
    await s.actors.request('event', 'ev-cache-cancel', 'cancel', { commandId: 'cache-cancel', actor: ORGANIZER, reason: 'storm' });
    const late = await buy('ev-cache-cancel', c0!, 'a2');
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('ORDER_EVENT_NOT_ON_SALE');
  });

  it('orders - event cache: a class added after the cache was filled can be bought at once', async () => {
    const [c0] = await s.publishEvent('ev-cache-class', [{ total: 10 }]);
    expect((await buy('ev-cache-class', c0!, 'b1')).status).toBe(201);
    await s.actors.request('ticketclass', 'ev-cache-class-new', 'create', {
      commandId: 'cache-tc-new',
      eventId: 'ev-cache-class',
      name: 'Late class',
      priceMinor: 100_000,
      currency: 'VND',
      total: 5,
    });
    await s.actors.request('event', 'ev-cache-class', 'addTicketClass', {
      commandId: 'cache-add-class',
      actor: ORGANIZER,
      ticketClassId: 'ev-cache-class-new',
    });
    const r = await buy('ev-cache-class', 'ev-cache-class-new', 'b2');
    expect(r.status).toBe(201);
    expect(r.body.lines[0]).toMatchObject({ classId: 'ev-cache-class-new', state: 'held' });
  });

  it('orders - event cache: one load per event within the TTL, again after it or after a command to the event', async () => {
    let t = 0;
    const cache = createEventCache({ nc: s.nc, ttlMs: 1_000, now: () => t });
    let loads = 0;
    const load = async () => {
      loads++;
      return { eventId: 'ev-x' } as EventView;
    };
    try {
      await Promise.all([cache.get('ev-x', load), cache.get('ev-x', load)]);
      expect(loads).toBe(1);
      t = 999;
      await cache.get('ev-x', load);
      expect(loads).toBe(1);
      t = 1_000;
      await cache.get('ev-x', load);
      expect(loads).toBe(2);
      // A command to the event (here a copy on the direct subject of any partition) drops it.
      s.nc.publish('tbp.3.event.ev-x.update', new Uint8Array());
      await s.nc.flush();
      await new Promise((r) => setTimeout(r, 50));
      await cache.get('ev-x', load);
      expect(loads).toBe(3);
      // A read does not.
      s.nc.publish('tbp.3.event.ev-x.get', new Uint8Array());
      await s.nc.flush();
      await new Promise((r) => setTimeout(r, 50));
      await cache.get('ev-x', load);
      expect(loads).toBe(3);
      // A failed load is not kept.
      cache.invalidate('ev-x');
      await expect(cache.get('ev-x', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
      await cache.get('ev-x', load);
      expect(loads).toBe(4);
    } finally {
      cache.close();
    }
  });
});
