import { TicketClassLimits } from '../../contracts/kinds/ticketclass.js';
/**
 * @module actors/ticketclass/machine.test
 * Pure tests of the ticket class machine: next state, context and emitted events for each event,
 * and a property test of the inventory invariant over random command sequences and times.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { bmEntries } from './bucket-map.js';
import { decide } from './checks.js';
import { finishedOf, holdOf, unpackHold } from './inventory.js';
import { ticketClassMachine as machine } from './machine.js';
import type { TicketClassInput, TicketClassMachineEvent } from './types.js';

type Snap = SnapshotFrom<typeof machine>;
const MIN = 60_000;

function input(over: Partial<TicketClassInput> = {}): TicketClassInput {
  return {
    classId: 'vip',
    eventId: 'ev1',
    name: 'VIP',
    priceMinor: 150_000,
    currency: 'VND',
    total: 10,
    holdTtlMs: 15 * MIN,
    maxPerOrder: 10,
    maxHolds: 100,
    createCommandId: 'c0',
    now: 1_000,
    ...over,
  };
}

/** Emitted domain events of a transition, in order. */
function emittedOf(actions: unknown[]): Array<{ type: string } & Record<string, unknown>> {
  return (actions as Array<{ type: string; params?: { event: { type: string } } }>)
    .filter((a) => a.type === 'xstate.emit')
    .map((a) => a.params!.event as { type: string } & Record<string, unknown>);
}

function step(s: Snap, e: TicketClassMachineEvent) {
  const [next, actions] = transition(machine, s, e);
  return { s: next, events: emittedOf(actions) };
}

function created(over: Partial<TicketClassInput> = {}): Snap {
  return initialTransition(machine, input(over))[0];
}

describe('ticketclass machine', () => {
  it('emits created on creation, and soldOut when created with total 0', () => {
    const [s, actions] = initialTransition(machine, input());
    expect(s.value).toBe('active');
    expect(emittedOf(actions)).toEqual([
      expect.objectContaining({ type: 'ticketclass.created', classId: 'vip', available: 10, at: 1_000 }),
    ]);
    const [, zero] = initialTransition(machine, input({ total: 0 }));
    expect(emittedOf(zero).map((e) => e.type)).toEqual(['ticketclass.created', 'ticketclass.soldOut']);
  });

  it('reserve records a hold with its deadline and emits reserved, then allHeld (not soldOut) when nothing is left', () => {
    let r = step(created(), { type: 'ticketclass.reserve', orderId: 'o1', quantity: 4, holdMs: 15 * MIN, now: 2_000 });
    expect(r.s.context).toMatchObject({ reserved: 4, holdsCount: 1, nextExpiryAt: 2_000 + 15 * MIN });
    expect(holdOf(r.s.context, 'o1')).toEqual({ quantity: 4, expiresAt: 2_000 + 15 * MIN });
    expect(r.events).toEqual([expect.objectContaining({ type: 'ticketclass.reserved', orderId: 'o1', quantity: 4, available: 6 })]);
    r = step(r.s, { type: 'ticketclass.reserve', orderId: 'o2', quantity: 6, holdMs: MIN, now: 3_000 });
    expect(r.events.map((e) => e.type)).toEqual(['ticketclass.reserved', 'ticketclass.allHeld']);
    expect(r.events[1]).toMatchObject({ available: 0, held: 10 });
    expect(r.s.context.nextExpiryAt).toBe(3_000 + MIN);
  });

  it('sold out means sold: soldOut only when the last hold is confirmed; a lapsed hold brings the stock back', () => {
    let s = created({ total: 2 });
    s = step(s, { type: 'ticketclass.reserve', orderId: 'a', quantity: 1, holdMs: MIN, now: 0 }).s;
    let r = step(s, { type: 'ticketclass.reserve', orderId: 'b', quantity: 1, holdMs: 2 * MIN, now: 0 });
    expect(r.events.map((e) => e.type)).toEqual(['ticketclass.reserved', 'ticketclass.allHeld']);
    r = step(r.s, { type: 'ticketclass.confirm', orderId: 'a', now: 1 });
    expect(r.events.map((e) => e.type)).toEqual(['ticketclass.confirmed']);
    const heldOnly = r.s;
    r = step(heldOnly, { type: 'ticketclass.confirm', orderId: 'b', now: 2 });
    expect(r.events.map((e) => e.type)).toEqual(['ticketclass.confirmed', 'ticketclass.soldOut']);
    expect(r.events[1]).toMatchObject({ available: 0, held: 0 });
    r = step(heldOnly, { type: 'timer.fired', now: 2 * MIN });
    expect(r.events.map((e) => e.type)).toEqual(['ticketclass.released', 'ticketclass.backInStock']);
  });

  it('never refuses a reserve for the number of holds while stock is left (maxHolds is ignored)', () => {
    let s = created({ total: 100, maxHolds: 5 });
    for (let i = 0; i < 100; i++) {
      const r = step(s, { type: 'ticketclass.reserve', orderId: `o${i}`, quantity: 1, holdMs: MIN, now: i });
      expect(r.events[0]).toMatchObject({ type: 'ticketclass.reserved', orderId: `o${i}` });
      s = r.s;
    }
    expect(s.context).toMatchObject({ reserved: 100, holdsCount: 100 });
    expect(step(s, { type: 'ticketclass.reserve', orderId: 'late', quantity: 1, holdMs: MIN, now: 200 }).s.context.holdsCount).toBe(100);
  });

  it('ignores a reserve that would oversell, exceed the per-order cap, or come while paused', () => {
    const s = step(created(), { type: 'ticketclass.reserve', orderId: 'o1', quantity: 8, holdMs: MIN, now: 2_000 }).s;
    expect(step(s, { type: 'ticketclass.reserve', orderId: 'o2', quantity: 3, holdMs: MIN, now: 2_001 }).s).toBe(s);
    expect(
      step(created({ maxPerOrder: 2 }), { type: 'ticketclass.reserve', orderId: 'o', quantity: 3, holdMs: MIN, now: 2_000 }).events,
    ).toEqual([]);
    const paused = step(created(), { type: 'ticketclass.pause', now: 2_000 }).s;
    expect(paused.value).toBe('paused');
    expect(step(paused, { type: 'ticketclass.reserve', orderId: 'o', quantity: 1, holdMs: MIN, now: 2_001 }).events).toEqual([]);
  });

  it('decides a command once: the same event on the same context and state gets the verdict already given', () => {
    const s = created();
    const e = { type: 'ticketclass.reserve', orderId: 'o', quantity: 1, holdMs: MIN, now: 2_000 } as const;
    const v = decide(s.context, 'active', e);
    expect(v).toEqual({ kind: 'apply' });
    expect(decide(s.context, 'active', e)).toBe(v);
    // Another state or another context is decided anew.
    expect(decide(s.context, 'paused', e)).toMatchObject({ kind: 'refuse', refusal: { code: 'INVENTORY_NOT_ON_SALE' } });
    expect(decide({ ...s.context, total: 0 }, 'active', e)).toMatchObject({ kind: 'refuse', refusal: { code: 'INVENTORY_SOLD_OUT' } });
  });

  it('refuses reserves outside the sale window', () => {
    const s = created({ saleStartsAt: 5_000, saleEndsAt: 9_000 });
    const at = (now: number) => step(s, { type: 'ticketclass.reserve', orderId: 'o', quantity: 1, holdMs: MIN, now }).s.context.reserved;
    expect([at(4_999), at(5_000), at(8_999), at(9_000)]).toEqual([0, 1, 1, 0]);
  });

  it('confirm turns a hold into sold tickets and remembers the order', () => {
    const s = step(created(), { type: 'ticketclass.reserve', orderId: 'o1', quantity: 2, holdMs: MIN, now: 2_000 }).s;
    const r = step(s, { type: 'ticketclass.confirm', orderId: 'o1', now: 3_000 });
    expect(r.s.context).toMatchObject({ reserved: 0, sold: 2, soldOrders: 1, holdsCount: 0 });
    expect(finishedOf(r.s.context, 'o1')).toEqual({ state: 'confirmed', quantity: 2 });
    expect(r.events).toEqual([
      expect.objectContaining({
        type: 'ticketclass.confirmed',
        orderId: 'o1',
        quantity: 2,
        sold: 2,
        available: 8,
        unitPriceMinor: 150_000,
      }),
    ]);
    expect(step(r.s, { type: 'ticketclass.confirm', orderId: 'o1', now: 3_001 }).s).toBe(r.s);
  });

  it('release gives stock back and emits backInStock after a sell-out', () => {
    const s = step(created({ total: 2 }), { type: 'ticketclass.reserve', orderId: 'o1', quantity: 2, holdMs: MIN, now: 2_000 }).s;
    const r = step(s, { type: 'ticketclass.release', orderId: 'o1', reason: 'paymentFailed', now: 3_000 });
    expect(r.s.context).toMatchObject({ reserved: 0, holdsCount: 0 });
    expect(r.events.map((e) => [e.type, e.reason, e.available])).toEqual([
      ['ticketclass.released', 'paymentFailed', 2],
      ['ticketclass.backInStock', undefined, 2],
    ]);
  });

  it('timer.fired expires exactly the due holds, idempotently', () => {
    let s = step(created(), { type: 'ticketclass.reserve', orderId: 'a', quantity: 1, holdMs: MIN, now: 0 }).s;
    s = step(s, { type: 'ticketclass.reserve', orderId: 'b', quantity: 1, holdMs: 2 * MIN, now: 0 }).s;
    expect(step(s, { type: 'timer.fired', now: MIN - 1 }).events).toEqual([]);
    const r = step(s, { type: 'timer.fired', now: MIN });
    expect(r.events).toEqual([expect.objectContaining({ type: 'ticketclass.released', orderId: 'a', reason: 'expired' })]);
    expect(r.s.context).toMatchObject({ reserved: 1, holdsCount: 1, nextExpiryAt: 2 * MIN });
    expect(step(r.s, { type: 'timer.fired', now: MIN }).events).toEqual([]);
  });

  it('a late timer never blocks stock: any event first expires what is due', () => {
    const s = step(created({ total: 1 }), { type: 'ticketclass.reserve', orderId: 'a', quantity: 1, holdMs: MIN, now: 0 }).s;
    const r = step(s, { type: 'ticketclass.reserve', orderId: 'b', quantity: 1, holdMs: MIN, now: MIN + 5 });
    expect(r.events.map((e) => e.type)).toEqual(['ticketclass.released', 'ticketclass.reserved']);
    expect(holdOf(r.s.context, 'b')).toBeDefined();
    expect(step(r.s, { type: 'ticketclass.confirm', orderId: 'a', now: MIN + 6 }).events).toEqual([]);
  });

  it('extend only moves a deadline later', () => {
    const s = step(created(), { type: 'ticketclass.reserve', orderId: 'a', quantity: 1, holdMs: 10 * MIN, now: 0 }).s;
    expect(holdOf(step(s, { type: 'ticketclass.extend', orderId: 'a', holdMs: MIN, now: 1 }).s.context, 'a')!.expiresAt).toBe(10 * MIN);
    expect(holdOf(step(s, { type: 'ticketclass.extend', orderId: 'a', holdMs: 60 * MIN, now: 5 * MIN }).s.context, 'a')!.expiresAt).toBe(
      65 * MIN,
    );
  });

  it('update refuses a total below reserved + sold and reports what changed', () => {
    const s = step(created(), { type: 'ticketclass.reserve', orderId: 'a', quantity: 5, holdMs: MIN, now: 0 }).s;
    expect(step(s, { type: 'ticketclass.update', changes: { total: 4 }, now: 1 }).s).toBe(s);
    const r = step(s, { type: 'ticketclass.update', changes: { total: 5, name: 'VIP+', saleEndsAt: null }, now: 1 });
    expect(r.events.map((e) => [e.type, e.changed])).toEqual([
      ['ticketclass.updated', ['name', 'total']],
      ['ticketclass.allHeld', undefined],
    ]);
  });

  it('a closed class sells nothing but still confirms, releases and expires holds', () => {
    let s = step(created(), { type: 'ticketclass.reserve', orderId: 'a', quantity: 1, holdMs: MIN, now: 0 }).s;
    s = step(s, { type: 'ticketclass.reserve', orderId: 'b', quantity: 1, holdMs: MIN, now: 0 }).s;
    s = step(s, { type: 'ticketclass.close', now: 1 }).s;
    expect(s.value).toBe('closed');
    expect(step(s, { type: 'ticketclass.reserve', orderId: 'c', quantity: 1, holdMs: MIN, now: 2 }).events).toEqual([]);
    expect(step(s, { type: 'ticketclass.resume', now: 2 }).s.value).toBe('closed');
    s = step(s, { type: 'ticketclass.confirm', orderId: 'a', now: 3 }).s;
    expect(step(s, { type: 'timer.fired', now: MIN }).s.context).toMatchObject({ sold: 1, reserved: 0, holdsCount: 0 });
  });

  it('remembers the last (generations − 1) × size finished orders and at most generations × size', () => {
    const { recentGenerationSize: size, recentGenerations: gens } = TicketClassLimits;
    let s = created({ total: 5_000, maxHolds: 5_000 });
    for (let i = 0; i < 2_000; i++) {
      s = step(s, { type: 'ticketclass.reserve', orderId: `o${i}`, quantity: 1, holdMs: MIN, now: i }).s;
      s = step(s, { type: 'ticketclass.confirm', orderId: `o${i}`, now: i }).s;
    }
    const remembered = [s.context.recent.head, ...s.context.recent.old].reduce((n, g) => n + [...bmEntries(g)].length, 0);
    expect(remembered).toBeGreaterThanOrEqual((gens - 1) * size);
    expect(remembered).toBeLessThanOrEqual(gens * size);
    expect(finishedOf(s.context, 'o1999')?.state).toBe('confirmed');
    expect(finishedOf(s.context, `o${2_000 - (gens - 1) * size}`)?.state).toBe('confirmed');
    expect(finishedOf(s.context, 'o0')).toBeUndefined();
    expect(s.context.sold).toBe(2_000);
  });
});

describe('ticketclass machine - inventory invariant (property)', () => {
  const orderId = fc.integer({ min: 0, max: 15 }).map((i) => `o${i}`);
  const op = fc.oneof(
    fc.record({
      type: fc.constant('ticketclass.reserve' as const),
      orderId,
      quantity: fc.integer({ min: 1, max: 12 }),
      holdMs: fc.integer({ min: 1, max: 5 * MIN }),
    }),
    fc.record({ type: fc.constant('ticketclass.extend' as const), orderId, holdMs: fc.integer({ min: 1, max: 5 * MIN }) }),
    fc.record({ type: fc.constant('ticketclass.confirm' as const), orderId }),
    fc.record({
      type: fc.constant('ticketclass.release' as const),
      orderId,
      reason: fc.constantFrom('cancelled' as const, 'paymentFailed' as const),
    }),
    fc.record({ type: fc.constant('ticketclass.update' as const), changes: fc.record({ total: fc.integer({ min: 0, max: 40 }) }) }),
    fc.record({ type: fc.constantFrom('timer.fired' as const, 'ticketclass.pause' as const, 'ticketclass.resume' as const) }),
    fc.record({ type: fc.constant('ticketclass.close' as const) }),
  );
  const program = fc.array(fc.tuple(op, fc.integer({ min: 0, max: 3 * MIN })), { maxLength: 120 });

  it('keeps reserved + sold + available == total, sold ≤ total, available ≥ 0, and no hold outlives a timer at its deadline', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), program, (total, ops) => {
        let s = created({ total, maxPerOrder: 8, now: 0 });
        let now = 0;
        let confirmedQty = 0;
        for (const [o, dt] of ops) {
          now += dt;
          const r = step(s, { ...o, now } as TicketClassMachineEvent);
          s = r.s;
          const c = s.context;
          const holds = [...bmEntries(c.holds)].map(([k, p]) => [k, unpackHold(p)] as const);
          const available = c.total - c.reserved - c.sold;
          expect(c.reserved).toBe(holds.reduce((n, [, h]) => n + h.quantity, 0));
          expect(c.holdsCount).toBe(holds.length);
          expect(available).toBeGreaterThanOrEqual(0);
          expect(c.sold).toBeLessThanOrEqual(c.total);
          for (const [, h] of holds) {
            expect(h.quantity).toBeGreaterThanOrEqual(1);
            expect(c.nextExpiryAt).toBeLessThanOrEqual(h.expiresAt);
            // Every event settles first, so after any event (timer.fired included) no due hold is left.
            expect(h.expiresAt).toBeGreaterThan(now);
          }
          confirmedQty += r.events.filter((e) => e.type === 'ticketclass.confirmed').reduce((n, e) => n + (e.quantity as number), 0);
          expect(c.sold).toBe(confirmedQty);
          for (const e of r.events) expect(e.available).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('ticketclass - persisted format', () => {
  it('version 1 snapshots (hold records) migrate to packed holds with the same meaning', async () => {
    const { ticketclassKind, migrateTicketClass } = await import('./index.js');
    let s = created();
    s = step(s, { type: 'ticketclass.reserve', orderId: 'ord_a', quantity: 3, holdMs: MIN, now: 5 }).s;
    const persisted = machine.getPersistedSnapshot(s) as unknown as { context: { holds: Array<Record<string, number>> } };
    const v1 = {
      ...persisted,
      context: {
        ...persisted.context,
        holds: persisted.context.holds.map((b) => Object.fromEntries(Object.entries(b).map(([k, p]) => [k, unpackHold(p)]))),
      },
    };
    const restored = machine.resolveState(migrateTicketClass(v1, 1) as never);
    expect(holdOf(restored.context, 'ord_a')).toEqual({ quantity: 3, expiresAt: 5 + MIN });
    expect(ticketclassKind.version).toBe(2);
    expect(migrateTicketClass(persisted, 2)).toBe(persisted);
  });
});
