/**
 * @module actors/queue/checkout.test
 * Pure tests of one admission, one checkout: the first order bound to an active slot wins, the
 * same order again is fine, any other is refused; an unbind of that order frees the slot for
 * another, an unbind of another order changes nothing; a slot that ended has no binding to give.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { bindRefusal } from './checkout.js';
import { queueMachine as machine } from './machine.js';
import type { QueueMachineEvent } from './types.js';

type Snap = SnapshotFrom<typeof machine>;
const step = (s: Snap, e: QueueMachineEvent): Snap => transition(machine, s, e)[0];

function admitted(): Snap {
  let s = initialTransition(machine, {
    eventId: 'ev1',
    maxConcurrent: 2,
    claimGraceMs: 1_000,
    checkoutTtlMs: 10_000,
    seed: 'a1'.repeat(32),
    createCommandId: 'c0',
    now: 0,
  })[0];
  s = step(s, { type: 'queue.open', now: 1 });
  s = step(s, { type: 'queue.join', userId: 'u1', now: 2 });
  return step(s, { type: 'queue.claim', ticket: 1, sessionId: 's1', userId: 'u1', now: 3 });
}

describe('queue checkout binding', () => {
  it('queue - the first order binds the slot; the same order again is fine, another is refused', () => {
    let s = admitted();
    expect(bindRefusal(s.context, 's1', 'o1')).toBeUndefined();
    s = step(s, { type: 'queue.bindOrder', sessionId: 's1', orderId: 'o1', now: 4 });
    s = step(s, { type: 'queue.bindOrder', sessionId: 's1', orderId: 'o2', now: 5 });
    expect(s.context.slots['1']!.orderId).toBe('o1');
    expect(bindRefusal(s.context, 's1', 'o1')).toBeUndefined();
    expect(bindRefusal(s.context, 's1', 'o2')?.code).toBe('ORDER_CHECKOUT_TOKEN_USED');
    s = step(s, { type: 'queue.unbindOrder', sessionId: 's1', orderId: 'o2', now: 6 });
    expect(s.context.slots['1']!.orderId).toBe('o1');
    s = step(s, { type: 'queue.unbindOrder', sessionId: 's1', orderId: 'o1', now: 7 });
    expect(bindRefusal(s.context, 's1', 'o2')).toBeUndefined();
  });

  it('queue - a completed, left or expired slot has no binding to give (the token is dead)', () => {
    const s = step(admitted(), { type: 'queue.bindOrder', sessionId: 's1', orderId: 'o1', now: 4 });
    const done = step(s, { type: 'queue.complete', sessionId: 's1', outcome: 'completed', now: 5 });
    expect(bindRefusal(done.context, 's1', 'o1')?.code).toBe('ORDER_CHECKOUT_SLOT_ENDED');
    const left = step(admitted(), { type: 'queue.leave', ticket: 1, sessionId: 's1', userId: 'u1', now: 5 });
    expect(bindRefusal(left.context, 's1', 'o9')?.code).toBe('ORDER_CHECKOUT_SLOT_ENDED');
    const expired = step(admitted(), { type: 'timer.fired', now: 20_000 });
    expect(bindRefusal(expired.context, 's1', 'o9')?.code).toBe('ORDER_CHECKOUT_SLOT_ENDED');
    expect(bindRefusal(admitted().context, 'nobody', 'o9')?.code).toBe('ORDER_CHECKOUT_SLOT_ENDED');
  });
});
