import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { orderCodeMachine } from './machine.js';

describe('ordercode machine', () => {
  it('keeps the first claimant, whatever comes after', () => {
    const [s] = initialTransition(orderCodeMachine, { orderId: 'ord_a', now: 5 });
    const [t] = transition(orderCodeMachine, s, { type: 'ordercode.touch' });
    expect(t.context).toEqual({ orderId: 'ord_a', claimedAt: 5 });
  });
});
