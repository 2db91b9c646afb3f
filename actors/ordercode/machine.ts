/**
 * @module actors/ordercode/machine
 * One human-friendly order code (`ordercode.<code>`), owned by the first order that claims it.
 * Single-writer per code is what makes codes unique: two orders that derive the same code race on
 * this actor, exactly one `claim` creates it, and the other is told who holds it.
 */
import { assign, setup } from 'xstate';

export interface OrderCodeContext {
  orderId: string;
  claimedAt: number;
}

export interface OrderCodeInput {
  orderId: string;
  now: number;
}

export const orderCodeMachine = setup({
  types: { context: {} as OrderCodeContext, input: {} as OrderCodeInput, events: {} as { type: 'ordercode.touch' } },
}).createMachine({
  id: 'ordercode',
  // xstate's transition() evaluates this factory without input on every call: answer cheaply.
  context: ({ input }) => (input ? { orderId: input.orderId, claimedAt: input.now } : ({} as OrderCodeContext)),
  initial: 'claimed',
  states: { claimed: { on: { 'ordercode.touch': { actions: assign({}) } } } },
});
