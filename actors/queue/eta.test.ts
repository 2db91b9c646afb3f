/**
 * @module actors/queue/eta.test
 * Pure tests of the estimated wait (`eta.ts`) through the queue machine with a fake `now`: no
 * number before anything was measured or while admission is stopped; absent joiners holding
 * called slots (the case of issue 14, where the old `(ahead + 1) / admittedRate` rose from 16 to
 * 40 s with nobody ahead) give an ETA that counts down to their grace; a property test that the
 * ETA of the position with nobody ahead never rises under random joins, claims, completions,
 * leaves and timers; and that in a steady sale the ETA at join is the wait that follows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { rateAt } from './admission.js';
import { viewOf } from './handlers.js';
import { queueMachine as machine } from './machine.js';
import type { QueueInput, QueueMachineEvent } from './types.js';

type Snap = SnapshotFrom<typeof machine>;
const SEED = 'b2'.repeat(32);

function input(over: Partial<QueueInput> = {}): QueueInput {
  return {
    eventId: 'ev1',
    maxConcurrent: 2,
    claimGraceMs: 30_000,
    checkoutTtlMs: 600_000,
    seed: SEED,
    createCommandId: 'c0',
    now: 0,
    ...over,
  };
}
const created = (over: Partial<QueueInput> = {}) => initialTransition(machine, input(over))[0];
const step = (s: Snap, e: QueueMachineEvent): Snap => transition(machine, s, e)[0];
const join = (s: Snap, now: number) => step(s, { type: 'queue.join', userId: `u${s.context.joined + 1}`, now });
const claim = (s: Snap, ticket: number, now: number) =>
  step(s, { type: 'queue.claim', ticket, sessionId: `s${ticket}`, userId: `u${ticket}`, now });
const complete = (s: Snap, ticket: number, now: number) =>
  step(s, { type: 'queue.complete', sessionId: `s${ticket}`, outcome: 'completed', now });
const you = (s: Snap, ticket: number, now: number) => viewOf(s, now, ticket).you!;

/** An open queue where tickets 1 and 2 bought in 10 s each, so one checkout has been measured. */
function measured(over: Partial<QueueInput> = {}): Snap {
  let s = step(created(over), { type: 'queue.open', now: 0 });
  s = join(join(s, 0), 0);
  s = claim(claim(s, 1, 0), 2, 0);
  s = complete(s, 1, 10_000);
  return complete(s, 2, 10_000);
}

describe('estimated wait', () => {
  it('eta - none before any slot ended, none while paused or while every ticket left is held', () => {
    let s = step(created(), { type: 'queue.open', now: 0 });
    for (let i = 0; i < 3; i++) s = join(s, 0);
    expect(you(s, 3, 1_000)).toMatchObject({ ahead: 0 });
    expect(you(s, 3, 1_000).estimatedWaitMs).toBeUndefined();
    s = claim(s, 1, 100);
    s = complete(s, 1, 5_000); // ticket 3 is called; ticket 4 waits with one slot measured
    s = join(s, 5_000);
    expect(you(s, 4, 5_000).estimatedWaitMs).toBeGreaterThan(0);
    const paused = step(s, { type: 'queue.pause', now: 5_000 });
    expect(you(paused, 4, 5_000).estimatedWaitMs).toBeUndefined();
    const held = step(s, { type: 'queue.stock', available: 0, held: 3, soldOut: false, now: 5_000 });
    expect(you(held, 4, 5_000).estimatedWaitMs).toBeUndefined();
  });

  it('eta - absent joiners holding called slots: the ETA counts down to their claim grace, where the old rate formula rose', () => {
    let s = measured(); // checkouts take 10 s
    // Tickets 3 and 4 are called at 10 s and never come back; ticket 5 waits with nobody ahead.
    for (let i = 0; i < 3; i++) s = join(s, 10_000);
    expect(Object.values(s.context.slots).map((x) => x.state)).toEqual(['called', 'called']);
    const etas: number[] = [];
    const oldEtas: number[] = [];
    for (let t = 12_000; t < 40_000; t += 2_000) {
      const v = viewOf(s, t, 5);
      expect(v.you).toMatchObject({ ahead: 0 });
      etas.push(v.you!.estimatedWaitMs!);
      oldEtas.push(Math.ceil(1 / rateAt(s.context.rate, t))); // what status.ts said before
    }
    // The old estimate rose with nobody ahead (the decayed rate of a stalled queue)…
    expect(oldEtas.at(-1)!).toBeGreaterThan(oldEtas[0]!);
    // …the new one never rises: one checkout (10 s) while the absent users could still claim and
    // check out, then the time left until their grace ends (called at 10 s, grace 30 s).
    expect(etas[0]).toBe(10_000);
    for (let i = 1; i < etas.length; i++) expect(etas[i]).toBeLessThanOrEqual(etas[i - 1]!);
    expect(etas.at(-1)).toBe(40_000 - 38_000);
    // At 40 s the graces end and ticket 5 is called, as predicted.
    expect(viewOf(s, 40_000, 5).you!.slot).toMatchObject({ state: 'called' });
  });

  it("eta - present buyers: running checkouts free at the measured rate whatever their age; a late claim keeps its call's end", () => {
    let s = measured();
    for (let i = 0; i < 3; i++) s = join(s, 10_000);
    s = claim(claim(s, 3, 10_000), 4, 11_000);
    // Two checkouts running, 10 s each on average: one frees every 5 s, whatever their age.
    expect(you(s, 5, 12_000).estimatedWaitMs).toBe(5_000);
    expect(you(s, 5, 25_000).estimatedWaitMs).toBe(5_000);
    // A late claim (the call's grace nearly over) keeps the call's end: it cannot push a wait back.
    s = join(s, 25_000);
    s = complete(s, 3, 26_000); // ticket 5 called at 26 s (grace to 56 s), claimed at 50 s
    s = claim(s, 5, 50_000);
    expect(s.context.slots['5']).toMatchObject({ state: 'active', expect: 56_000 });
  });

  it('eta - checkouts past their expected end: one is due now, the others run on (not all "now": that told people far back they were next)', () => {
    let s = measured(); // checkouts take 10 s
    for (let i = 0; i < 6; i++) s = join(s, 10_000); // tickets 3 and 4 called at 10 s (grace to 40 s)
    s = claim(claim(s, 3, 38_000), 4, 38_000); // claimed late: each keeps its call's end, 40 s
    expect(s.context.slots['3']).toMatchObject({ expect: 40_000 });
    expect(s.context.slots['4']).toMatchObject({ expect: 40_000 });
    expect(you(s, 5, 39_000).estimatedWaitMs).toBe(1_000);
    expect(you(s, 6, 39_000).estimatedWaitMs).toBe(1_000);
    // At 50 s both run past it: the next in line is told "any moment", the one behind a checkout later.
    expect(you(s, 5, 50_000).estimatedWaitMs).toBe(0);
    expect(you(s, 6, 50_000).estimatedWaitMs).toBe(10_000);
  });

  it('eta - in the first turn after the opening the quick early ends do not set the pace: the held slots have already been held their age', () => {
    let s = step(created({ maxConcurrent: 20 }), { type: 'queue.open', now: 0 });
    for (let i = 0; i < 60; i++) s = join(s, 0);
    for (let t = 1; t <= 20; t++) s = claim(s, t, 0);
    s = claim(complete(s, 1, 1_000), 21, 1_000); // one buyer is done in 1 s; ticket 21 called and claims
    expect(s.context.hold?.gapMs).toBeUndefined(); // no pace from the first turn's gaps
    // At 6 s the held slots have been held 6 s (19 of them) and 5 s: a call holds one at least
    // 5.95 s, not the 1 s of the one that ended (which put ticket 60, a turn of 20 away, at ~2 s).
    const y = you(s, 60, 6_000);
    expect(y.ahead).toBe(38);
    expect(y.estimatedWaitMs!).toBeGreaterThan(5_950);
  });

  it("eta - the admission rate is measured in time: not from the opening's first checkouts, not across a staff pause or all tickets held, never from calls a few ms apart", () => {
    // 2 slots; tickets 1 and 2 are called at the opening and take 10 s; from then on a slot frees
    // every 1 s (each buyer checks out for 2 s).
    let s = step(created(), { type: 'queue.open', now: 0 });
    for (let i = 0; i < 40; i++) s = join(s, 0);
    s = claim(claim(s, 1, 0), 2, 0);
    s = complete(s, 1, 10_000); // ticket 3 called: the first call after a slot ended starts the measure
    // Another call 1 ms later: no rate from it (a few calls within a few ms say nothing of the pace).
    s = claim(s, 3, 10_000);
    s = complete(s, 2, 10_001);
    expect(s.context.hold?.gapMs).toBeUndefined();
    s = claim(s, 4, 10_001);
    let now = 10_001;
    for (let t = 3; t <= 20; t++) {
      now += 1_000;
      s = claim(complete(s, t, now), t + 2, now);
    }
    // One call a second: the 10 s before the first release is not in it.
    expect(s.context.hold!.gapMs!).toBeGreaterThan(900);
    expect(s.context.hold!.gapMs!).toBeLessThan(1_100);
    const ahead = you(s, 40, now);
    expect(ahead.ahead).toBe(17);
    // Called at the 18th release, one a second (within 5 %: the measure also holds the two calls 1 ms apart).
    expect(ahead.estimatedWaitMs!).toBeGreaterThan(18_000 * 0.95);
    expect(ahead.estimatedWaitMs!).toBeLessThan(18_000 * 1.05);
    // A staff pause of a minute is no gap between calls: after it the pace is the same.
    const before = s.context.hold!.gapMs!;
    s = step(s, { type: 'queue.pause', now });
    now += 60_000;
    s = step(s, { type: 'queue.resume', now });
    for (let t = 21; t <= 25; t++) {
      now += 1_000;
      s = claim(complete(s, t, now), t + 2, now);
    }
    expect(s.context.hold!.gapMs!).toBeCloseTo(before, -2);
    // Nor is a minute while every ticket left was held (admission stopped until they came back).
    s = step(s, { type: 'queue.stock', available: 0, held: 2, soldOut: false, now });
    now += 60_000;
    s = step(s, { type: 'queue.stock', available: 2, held: 0, soldOut: false, now });
    for (let t = 26; t <= 30; t++) {
      now += 1_000;
      s = claim(complete(s, t, now), t + 2, now);
    }
    expect(s.context.hold!.gapMs!).toBeCloseTo(before, -2);
  });

  it('eta - the position with nobody ahead never sees its ETA rise (property, random joins, claims, completions, leaves, timers)', () => {
    const op = fc.oneof(
      { weight: 3, arbitrary: fc.record({ k: fc.constant('join' as const), dt: fc.nat(2_000) }) },
      { weight: 3, arbitrary: fc.record({ k: fc.constant('claim' as const), t: fc.nat(40), dt: fc.nat(3_000) }) },
      { weight: 3, arbitrary: fc.record({ k: fc.constant('complete' as const), t: fc.nat(40), dt: fc.nat(20_000) }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('leave' as const), t: fc.integer({ min: 1, max: 40 }), dt: fc.nat(2_000) }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('timer' as const), dt: fc.nat(15_000) }) },
      { weight: 4, arbitrary: fc.record({ k: fc.constant('read' as const), dt: fc.nat(3_000) }) },
    );
    let compared = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { minLength: 40, maxLength: 150 }), (max, ops) => {
        let s = step(created({ maxConcurrent: max, claimGraceMs: 5_000, checkoutTtlMs: 60_000 }), { type: 'queue.open', now: 0 });
        let now = 0;
        let last: { ticket: number; eta: number } | undefined;
        for (const o of ops) {
          now += o.dt;
          // Claims and completions pick among the slots held (the o.t-th one), so they mostly do something.
          const held = (state: 'called' | 'active') =>
            Object.entries(s.context.slots)
              .filter(([, x]) => x.state === state)
              .map(([pos]) => Number(pos));
          if (o.k === 'join') s = join(s, now);
          else if (o.k === 'claim') {
            const c = held('called');
            if (c.length) s = claim(s, c[o.t % c.length]!, now);
          } else if (o.k === 'complete') {
            const a = held('active');
            if (a.length) s = complete(s, a[o.t % a.length]!, now);
          } else if (o.k === 'leave' && o.t <= s.context.joined)
            s = step(s, { type: 'queue.leave', ticket: o.t, sessionId: `s${o.t}`, userId: `u${o.t}`, now });
          else if (o.k === 'timer') s = step(s, { type: 'timer.fired', now });
          // The waiting position with nobody ahead, as a read at `now` sees it.
          let next: { ticket: number; eta: number } | undefined;
          for (let t = 1; t <= s.context.joined && !next; t++) {
            const y = you(s, t, now);
            if (y.ahead === 0 && !y.slot && !y.outcome && y.position! > viewOf(s, now).cursor && y.estimatedWaitMs !== undefined)
              next = { ticket: t, eta: y.estimatedWaitMs };
          }
          if (next && last && next.ticket === last.ticket) {
            compared++;
            expect(next.eta).toBeLessThanOrEqual(last.eta);
          }
          last = next;
        }
      }),
      { numRuns: 150 },
    );
    expect(compared).toBeGreaterThan(200); // the property was exercised, not vacuous
  });

  it('eta - in a steady sale (every checkout 10 s, 4 slots) the ETA at join is the wait that follows', () => {
    let s = step(created({ maxConcurrent: 4 }), { type: 'queue.open', now: 0 });
    const predicted = new Map<number, { at: number; eta: number }>();
    const calledAt = new Map<number, number>();
    const claimedAt = new Map<number, number>();
    // 40 buyers arrive at once; a called buyer claims at once and pays 10 s later.
    for (let i = 0; i < 40; i++) s = join(s, 0);
    for (let now = 0; now <= 200_000; now += 500) {
      for (const [pos, slot] of Object.entries(s.context.slots)) {
        const t = Number(pos);
        if (slot.state === 'called') {
          calledAt.set(t, now);
          s = claim(s, t, now);
          claimedAt.set(t, now);
        } else if (now - claimedAt.get(t)! >= 10_000) s = complete(s, t, now);
      }
      for (let t = 1; t <= 40; t++) {
        const y = you(s, t, now);
        if (!predicted.has(t) && y.estimatedWaitMs !== undefined && !y.slot) predicted.set(t, { at: now, eta: y.estimatedWaitMs });
      }
    }
    expect(calledAt.size).toBe(40);
    // Buyers 9..40 got an estimate at their first read after the first checkouts ended (10 s).
    const errors = [...predicted]
      .filter(([t]) => t > 8)
      .map(([t, p]) => Math.abs(p.eta - (calledAt.get(t)! - p.at)) / (calledAt.get(t)! - p.at));
    expect(errors.length).toBe(32);
    expect(Math.max(...errors)).toBeLessThan(0.1);
  });
});
