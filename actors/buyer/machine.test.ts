/**
 * @module actors/buyer/machine.test
 * Pure tests of the buyer quota: the limits refuse what is over them, a repeated reserve takes
 * nothing more, a released order gives its quota back once (a second release and a release of an
 * expired entry change nothing), a completed order keeps counting (also after a release: a late
 * payment), and an open order past its `until` comes back by itself.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { buyerMachine as machine } from './machine.js';
import { nextBuyerDeadline, reserveRefusal, totalsOf } from './quota.js';
import type { BuyerMachineEvent } from './types.js';

const limits = { maxTickets: 10, maxOpenOrders: 2 };
const first = () => initialTransition(machine, { eventId: 'ev1', userId: 'u1', orderId: 'o1', quantity: 4, until: 1_000, now: 0 })[0];
const step = (s: ReturnType<typeof first>, e: BuyerMachineEvent) => transition(machine, s, e)[0];

describe('buyer machine', () => {
  it('buyer - the limits refuse an order over them; a repeat of a taken order is not refused', () => {
    let s = first();
    expect(reserveRefusal(s.context, { orderId: 'o1', quantity: 4, ...limits })).toBeUndefined();
    s = step(s, { type: 'buyer.reserve', orderId: 'o2', quantity: 4, until: 1_000, now: 1 });
    expect(totalsOf(s.context)).toEqual({ tickets: 8, openOrders: 2 });
    expect(reserveRefusal(s.context, { orderId: 'o3', quantity: 1, ...limits })?.code).toBe('ORDER_BUYER_OPEN_ORDERS_LIMIT');
    expect(reserveRefusal(s.context, { orderId: 'o3', quantity: 3, maxTickets: 10, maxOpenOrders: 5 })?.code).toBe(
      'ORDER_BUYER_TICKET_LIMIT',
    );
    expect(reserveRefusal(s.context, { orderId: 'o2', quantity: 4, ...limits })).toBeUndefined();
    expect(totalsOf(step(s, { type: 'buyer.reserve', orderId: 'o2', quantity: 4, until: 1_000, now: 2 }).context)).toEqual({
      tickets: 8,
      openOrders: 2,
    });
  });

  it('buyer - a release gives the quota back once; a completed order keeps counting, also after a release', () => {
    let s = step(first(), { type: 'buyer.reserve', orderId: 'o2', quantity: 2, until: 1_000, now: 1 });
    s = step(s, { type: 'buyer.settle', orderId: 'o1', outcome: 'released', quantity: 4, now: 2 });
    expect(totalsOf(s.context)).toEqual({ tickets: 2, openOrders: 1 });
    s = step(s, { type: 'buyer.settle', orderId: 'o1', outcome: 'released', quantity: 4, now: 3 });
    expect(totalsOf(s.context)).toEqual({ tickets: 2, openOrders: 1 });
    s = step(s, { type: 'buyer.reserve', orderId: 'o1', quantity: 4, until: 1_000, now: 4 });
    expect(totalsOf(s.context)).toEqual({ tickets: 2, openOrders: 1 });
    s = step(s, { type: 'buyer.settle', orderId: 'o2', outcome: 'kept', quantity: 2, now: 5 });
    expect(totalsOf(s.context)).toEqual({ tickets: 2, openOrders: 0 });
    // A payment honoured after its order was cancelled: it counts again.
    s = step(s, { type: 'buyer.settle', orderId: 'o1', outcome: 'kept', quantity: 4, now: 6 });
    expect(totalsOf(s.context)).toEqual({ tickets: 6, openOrders: 0 });
    expect(totalsOf(step(s, { type: 'buyer.settle', orderId: 'o1', outcome: 'released', quantity: 4, now: 7 }).context)).toEqual({
      tickets: 6,
      openOrders: 0,
    });
  });

  it('buyer - an open order past its until comes back by itself (a crash between reserve and order leaks nothing)', () => {
    const s = first();
    expect(nextBuyerDeadline(s.context)).toBe(1_000);
    const later = step(s, { type: 'timer.fired', now: 1_000 });
    expect(totalsOf(later.context)).toEqual({ tickets: 0, openOrders: 0 });
    expect(nextBuyerDeadline(later.context)).toBeUndefined();
    // Its late completion still counts.
    expect(totalsOf(step(later, { type: 'buyer.settle', orderId: 'o1', outcome: 'kept', quantity: 4, now: 2_000 }).context)).toEqual({
      tickets: 4,
      openOrders: 0,
    });
  });
});
