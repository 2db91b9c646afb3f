/**
 * @module actors/queue/machine.test
 * Pure tests of the queue machine with a fake `now`: FIFO admission, the pre-queue shuffle at
 * open, grace expiry, sold out / resumed, and a property test that the cap is never exceeded
 * and the cursor never skips a live position under random joins, claims, completions and timers
 * (and that the slot facts the machine derives per `slots` record agree with a scan).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { positionOf, ticketAt } from '../../contracts/kinds/queue.js';
import { earliestSlotDeadline, positionOfTicket, slotOfSession, slotsInUse } from './admission.js';
import { nextQueueDeadline, queueMachine as machine } from './machine.js';
import type { QueueInput, QueueMachineEvent } from './types.js';

type Snap = SnapshotFrom<typeof machine>;
type Emitted = { type: string } & Record<string, unknown>;
const SEED = 'a1'.repeat(32);

function input(over: Partial<QueueInput> = {}): QueueInput {
  return {
    eventId: 'ev1',
    maxConcurrent: 2,
    claimGraceMs: 1_000,
    checkoutTtlMs: 10_000,
    seed: SEED,
    createCommandId: 'c0',
    now: 0,
    ...over,
  };
}
function emittedOf(actions: unknown[]): Emitted[] {
  return (actions as Array<{ type: string; params?: { event: Emitted } }>)
    .filter((a) => a.type === 'xstate.emit')
    .map((a) => a.params!.event);
}
function step(s: Snap, e: QueueMachineEvent) {
  const [next, actions] = transition(machine, s, e);
  return { s: next, events: emittedOf(actions) };
}
const created = (over: Partial<QueueInput> = {}) => initialTransition(machine, input(over))[0];
function joinN(s: Snap, n: number, now: number): Snap {
  for (let i = 0; i < n; i++) s = step(s, { type: 'queue.join', userId: `u${s.context.joined + 1}`, now }).s;
  return s;
}
const claim = (s: Snap, ticket: number, now: number) =>
  step(s, { type: 'queue.claim', ticket, sessionId: `s${ticket}`, userId: `u${ticket}`, now });

describe('queue machine', () => {
  it('queue - created publishes the seed hash, not the seed; opensAt is the first deadline', () => {
    const [s, actions] = initialTransition(machine, input({ opensAt: 5_000 }));
    const [ev] = emittedOf(actions);
    expect(ev).toMatchObject({ type: 'queue.created', seedHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(ev)).not.toContain(SEED);
    expect(s.value).toBe('preQueue');
    expect(nextQueueDeadline(s.context)).toBe(5_000);
  });

  it('queue - FIFO after open: positions equal tickets, admission fills maxConcurrent slots with one advanced event', () => {
    let s = step(created(), { type: 'queue.open', now: 1 }).s;
    expect(s.value).toBe('open');
    const r = step(s, { type: 'queue.join', userId: 'a', now: 2 });
    expect(r.events.map((e) => e.type)).toEqual(['queue.joined', 'queue.advanced']);
    s = joinN(r.s, 3, 3);
    expect(s.context.cursor).toBe(2);
    expect(Object.keys(s.context.slots)).toEqual(['1', '2']);
    // Completing slot 1 admits position 3 in the same transition.
    s = claim(s, 1, 4).s;
    const done = step(s, { type: 'queue.complete', sessionId: 's1', outcome: 'completed', now: 5 });
    expect(done.events.map((e) => e.type)).toEqual(['queue.released', 'queue.advanced']);
    expect(done.events[1]).toMatchObject({ cursor: 3, from: 2, slotsInUse: 2 });
  });

  it('queue - the pre-queue is shuffled at open by the revealed seed, a bijection that differs from join order', () => {
    let s = joinN(created({ opensAt: 100, maxConcurrent: 50 }), 40, 10);
    expect(s.context.cursor).toBe(0);
    const opened = step(s, { type: 'timer.fired', now: 100 });
    expect(opened.s.value).toBe('open');
    expect(opened.events[0]).toMatchObject({ type: 'queue.opened', seed: SEED, preQueueSize: 40 });
    s = opened.s;
    const pre = { preQueueSize: 40, seed: SEED };
    const positions = Array.from({ length: 40 }, (_, i) => positionOf(i + 1, pre));
    expect(new Set(positions).size).toBe(40);
    expect(Math.min(...positions)).toBe(1);
    expect(Math.max(...positions)).toBe(40);
    expect(positions).not.toEqual(positions.slice().sort((a, b) => a - b));
    for (let p = 1; p <= 40; p++) expect(positionOf(ticketAt(p, pre), pre)).toBe(p);
    // The actor's remembered positions are the same, read once and again (and for another seed).
    for (const round of [1, 2])
      for (let t = 1; t <= 41; t++) expect(positionOfTicket(s.context, t), `round ${round}`).toBe(positionOf(t, pre));
    const other = { ...s.context, seed: 'b2'.repeat(32) };
    for (let t = 1; t <= 40; t++) expect(positionOfTicket(other, t)).toBe(positionOf(t, { preQueueSize: 40, seed: other.seed }));
    // Later arrivals keep FIFO behind the pre-queue.
    s = joinN(s, 2, 101);
    expect(positionOf(41, pre)).toBe(41);
    expect(s.context.cursor).toBe(42);
  });

  it('queue - an unclaimed call expires after the grace and the cursor moves on; claims are idempotent by session', () => {
    let s = joinN(step(created(), { type: 'queue.open', now: 0 }).s, 3, 1);
    expect(nextQueueDeadline(s.context)).toBe(1_001);
    s = claim(s, 2, 500).s;
    expect(s.context.slots['2']).toMatchObject({ state: 'active', deadline: 10_500, sessionId: 's2' });
    expect(claim(s, 2, 600).events).toEqual([]);
    const t = step(s, { type: 'timer.fired', now: 1_001 });
    expect(t.events.map((e) => e.type)).toEqual(['queue.expired', 'queue.advanced']);
    expect(t.events[0]).toMatchObject({ position: 1, reason: 'unclaimed' });
    expect(t.s.context.cursor).toBe(3);
    const end = step(t.s, { type: 'timer.fired', now: 10_500 });
    expect(end.events.filter((e) => e.type === 'queue.expired')).toEqual([
      expect.objectContaining({ position: 2, reason: 'checkout', sessionId: 's2' }),
      expect.objectContaining({ position: 3, reason: 'unclaimed' }),
    ]);
  });

  it('queue - a user who leaves ahead of the cursor is skipped without a slot', () => {
    let s = joinN(step(created({ maxConcurrent: 1 }), { type: 'queue.open', now: 0 }).s, 3, 1);
    s = step(s, { type: 'queue.leave', ticket: 2, sessionId: 's2', userId: 'u2', now: 2 }).s;
    s = claim(s, 1, 3).s;
    s = step(s, { type: 'queue.complete', sessionId: 's1', outcome: 'completed', now: 4 }).s;
    expect(s.context.cursor).toBe(3);
    expect(Object.keys(s.context.slots)).toEqual(['3']);
  });

  it('queue - sold out stops admission with one soldOut event; back in stock resumes it', () => {
    let s = joinN(step(created({ maxConcurrent: 1 }), { type: 'queue.open', now: 0 }).s, 3, 1);
    const out = step(s, { type: 'queue.stock', available: 0, soldOut: true, now: 2 });
    expect(out.events.map((e) => e.type)).toEqual(['queue.soldOut']);
    s = claim(out.s, 1, 3).s;
    s = step(s, { type: 'queue.complete', sessionId: 's1', outcome: 'completed', now: 4 }).s;
    expect(s.context.cursor).toBe(1);
    expect(slotOfSession(s.context, 's1')).toBeUndefined();
    const back = step(s, { type: 'queue.stock', available: 5, soldOut: false, now: 5 });
    expect(back.events.map((e) => e.type)).toEqual(['queue.resumed', 'queue.advanced']);
    expect(back.s.context.cursor).toBe(2);
  });

  it('queue - all held pauses admission without saying sold out; held tickets back admit the next waiter; sold out only when every ticket is sold', () => {
    let s = joinN(step(created({ maxConcurrent: 2 }), { type: 'queue.open', now: 0 }).s, 4, 1);
    s = claim(s, 1, 2).s;
    s = claim(s, 2, 2).s;
    // Everything left is held by the two checkouts: waiters stay, a distinct allHeld is broadcast.
    const held = step(s, { type: 'queue.stock', available: 0, soldOut: false, held: 2, now: 3 });
    expect(held.events).toEqual([expect.objectContaining({ type: 'queue.allHeld', available: 0, held: 2 })]);
    expect(held.s.context.soldOut).toBe(false);
    // A checkout gives up: its slot frees, but nobody is admitted while nothing is available.
    s = step(held.s, { type: 'queue.complete', sessionId: 's1', outcome: 'failed', now: 4 }).s;
    expect(s.context.cursor).toBe(2);
    // Its hold lapses: the stock is back, and the next waiter is admitted in the same transition.
    const back = step(s, { type: 'queue.stock', available: 1, soldOut: false, held: 1, now: 5 });
    expect(back.events.map((e) => e.type)).toEqual(['queue.resumed', 'queue.advanced']);
    expect(back.s.context.cursor).toBe(3);
    // Every ticket sold: now, and only now, sold out.
    const sold = step(back.s, { type: 'queue.stock', available: 0, soldOut: false, held: 0, now: 6 });
    expect(sold.events.map((e) => e.type)).toEqual(['queue.soldOut']);
    expect(sold.s.context.soldOut).toBe(true);
  });

  it('queue - the cap is never exceeded and no position is called twice under random sequences (property)', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('join' as const), dt: fc.nat(300) }),
      fc.record({ k: fc.constant('claim' as const), t: fc.integer({ min: 1, max: 60 }), dt: fc.nat(300) }),
      fc.record({ k: fc.constant('complete' as const), t: fc.integer({ min: 1, max: 60 }), dt: fc.nat(300) }),
      fc.record({ k: fc.constant('leave' as const), t: fc.integer({ min: 1, max: 60 }), dt: fc.nat(300) }),
      fc.record({ k: fc.constant('stock' as const), out: fc.boolean(), dt: fc.nat(300) }),
      fc.record({ k: fc.constant('timer' as const), dt: fc.nat(3_000) }),
      fc.record({ k: fc.constant('open' as const), dt: fc.nat(300) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 120 }), (max, ops) => {
        let s = created({ maxConcurrent: max, opensAt: 2_000 });
        let now = 0;
        const called = new Set<number>();
        for (const o of ops) {
          now += o.dt;
          const t = 't' in o ? Math.min(o.t, Math.max(1, s.context.joined)) : 1;
          const e: QueueMachineEvent =
            o.k === 'join'
              ? { type: 'queue.join', userId: 'u', now }
              : o.k === 'claim'
                ? { type: 'queue.claim', ticket: t, sessionId: `s${t}`, userId: `u${t}`, now }
                : o.k === 'complete'
                  ? { type: 'queue.complete', sessionId: `s${t}`, outcome: 'completed', now }
                  : o.k === 'leave'
                    ? { type: 'queue.leave', ticket: t, sessionId: `s${t}`, userId: `u${t}`, now }
                    : o.k === 'stock'
                      ? { type: 'queue.stock', available: o.out ? 0 : 9, soldOut: o.out, now }
                      : o.k === 'open'
                        ? { type: 'queue.open', now }
                        : { type: 'timer.fired', now };
          if ((e.type === 'queue.claim' || e.type === 'queue.leave') && e.ticket > s.context.joined) continue;
          const before = new Set(Object.keys(s.context.slots));
          s = step(s, e).s;
          const slots = Object.keys(s.context.slots);
          expect(slots.length).toBeLessThanOrEqual(max);
          for (const p of slots) {
            expect(Number(p)).toBeLessThanOrEqual(s.context.cursor);
            if (!before.has(p)) {
              expect(called.has(Number(p))).toBe(false);
              called.add(Number(p));
            }
          }
          for (const slot of Object.values(s.context.slots)) expect(slot.deadline).toBeGreaterThan(now);
          expect(s.context.cursor).toBeLessThanOrEqual(s.context.joined);
          // The remembered slot facts agree with a scan, on this context and on a restored copy.
          const entries = Object.entries(s.context.slots);
          const deadlines = entries.map(([, v]) => v.deadline);
          const restored = structuredClone(s.context);
          expect(earliestSlotDeadline(restored)).toBe(deadlines.length ? Math.min(...deadlines) : undefined);
          if (deadlines.length)
            expect(earliestSlotDeadline(s.context)).toBeLessThanOrEqual(Math.min(...deadlines)); // a lower bound
          else expect(earliestSlotDeadline(s.context)).toBeUndefined();
          for (const c of [s.context, restored]) {
            expect(slotsInUse(c)).toBe(entries.length);
            for (const [p, v] of entries) if (v.sessionId) expect(slotOfSession(c, v.sessionId)?.[0]).toBe(Number(p));
            expect(slotOfSession(c, 'nobody')).toBeUndefined();
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('queue machine - scale', () => {
  // Issue 4 item 5: a queue holds 1,000,000 waiting users because nothing per user lives in the
  // actor's entry. This drives 200,000 joins (pre-queue and after opening) plus admissions through
  // the pure machine and checks the persisted entry does not grow with the queue.
  it('queue - the persisted entry stays the same size from 1,000 to 200,000 waiting users', () => {
    const size = (s: Snap) => JSON.stringify(machine.getPersistedSnapshot(s)).length;
    let s = created({ maxConcurrent: 100, opensAt: 10 });
    s = joinN(s, 1_000, 1); // pre-queue
    s = step(s, { type: 'timer.fired', now: 10 } as QueueMachineEvent).s;
    s = joinN(s, 1_000, 11);
    const small = size(s);
    s = joinN(s, 198_000, 12);
    // Keep admitting: complete the oldest slots so the cursor moves through the queue.
    for (let i = 0; i < 500; i++) {
      const [position] = Object.keys(s.context.slots);
      const ticket = ticketAt(Number(position), { preQueueSize: s.context.preQueueSize ?? 0, seed: SEED });
      s = claim(s, ticket, 20 + i).s;
      s = step(s, { type: 'queue.complete', sessionId: `s${ticket}`, outcome: 'completed', now: 20 + i }).s;
    }
    expect(s.context.joined).toBe(200_000);
    expect(s.context.cursor).toBeGreaterThanOrEqual(600); // 100 first slots + 500 admissions
    expect(Object.keys(s.context.slots).length).toBeLessThanOrEqual(100);
    // Same order of magnitude whatever the queue length: bounded by maxConcurrent and the
    // fixed-size memories, not by the number of users (counters grow by a few digits).
    expect(size(s)).toBeLessThan(small * 1.5 + 4_096);
  }, 120_000);
});
