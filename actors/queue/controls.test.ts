/**
 * @module actors/queue/controls.test
 * Pure tests of the sale console's controls on the queue machine: a pause calls nobody new
 * (freed slots stay free) and a resume refills them at once; raising the slot count admits the
 * next people in the same transition, lowering it ends no held slot and calls nobody until the
 * held ones are under the new cap.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { slotsInUse } from './admission.js';
import { queueMachine as machine } from './machine.js';
import type { QueueMachineEvent } from './types.js';

type Snap = SnapshotFrom<typeof machine>;
const step = (s: Snap, e: QueueMachineEvent): Snap => transition(machine, s, e)[0];
const opened = (maxConcurrent: number, joins: number): Snap => {
  let s = initialTransition(machine, {
    eventId: 'ev1',
    maxConcurrent,
    claimGraceMs: 1_000,
    checkoutTtlMs: 10_000,
    seed: 'b2'.repeat(32),
    createCommandId: 'c0',
    now: 0,
  })[0];
  s = step(s, { type: 'queue.open', now: 1 });
  for (let i = 1; i <= joins; i++) s = step(s, { type: 'queue.join', userId: `u${i}`, now: 2 });
  for (let t = 1; t <= Math.min(maxConcurrent, joins); t++)
    s = step(s, { type: 'queue.claim', ticket: t, sessionId: `s${t}`, userId: `u${t}`, now: 3 });
  return s;
};

describe('queue controls', () => {
  it('queue - a pause calls nobody when a slot frees; resume calls the next at once', () => {
    let s = opened(2, 5);
    expect(s.context.cursor).toBe(2);
    s = step(s, { type: 'queue.pause', now: 4 });
    s = step(s, { type: 'queue.complete', sessionId: 's1', outcome: 'completed', now: 5 });
    expect([s.context.cursor, slotsInUse(s.context), s.context.paused]).toEqual([2, 1, true]);
    // Joins and expiries while paused call nobody either.
    s = step(s, { type: 'queue.join', userId: 'u6', now: 6 });
    s = step(s, { type: 'timer.fired', now: 20_000 });
    expect(s.context.cursor).toBe(2);
    s = step(s, { type: 'queue.resume', now: 20_001 });
    expect([s.context.paused, s.context.cursor, slotsInUse(s.context)]).toEqual([false, 4, 2]);
  });

  it('queue - raising the slots admits at once; lowering ends no held slot and admits nobody until under the cap', () => {
    let s = opened(2, 6);
    s = step(s, { type: 'queue.configure', maxConcurrent: 4, now: 4 });
    expect([s.context.maxConcurrent, s.context.cursor, slotsInUse(s.context)]).toEqual([4, 4, 4]);
    s = step(s, { type: 'queue.claim', ticket: 3, sessionId: 's3', userId: 'u3', now: 5 });
    s = step(s, { type: 'queue.claim', ticket: 4, sessionId: 's4', userId: 'u4', now: 5 });
    s = step(s, { type: 'queue.configure', maxConcurrent: 1, now: 6 });
    expect([s.context.cursor, slotsInUse(s.context)]).toEqual([4, 4]);
    for (const [i, sid] of ['s1', 's2', 's3'].entries()) {
      s = step(s, { type: 'queue.complete', sessionId: sid, outcome: 'completed', now: 7 + i });
      expect(s.context.cursor).toBe(4);
    }
    s = step(s, { type: 'queue.complete', sessionId: 's4', outcome: 'completed', now: 10 });
    expect([s.context.cursor, slotsInUse(s.context)]).toEqual([5, 1]);
  });
});
