/**
 * @module actors/buyer/machine
 * One buyer's quota on one event as a pure XState machine: a single `counting` state whose one
 * action applies the quota rules (`quota.ts`). Deadlines (open orders' `until`) live in context
 * and reach the machine as the runtime's `timer.fired`, never as `after` delays.
 */
import { assign, setup } from 'xstate';
import { decide } from './quota.js';
import type { BuyerContext, BuyerInput, BuyerMachineEvent } from './types.js';

/** The `buyer` machine (input: the first reservation, built by the `reserve` handler). */
export const buyerMachine = setup({
  types: { context: {} as BuyerContext, events: {} as BuyerMachineEvent, input: {} as BuyerInput },
  actions: { apply: assign(({ context, event }) => decide(context, event)) },
}).createMachine({
  id: 'buyer',
  // xstate's pure transition() evaluates this factory with no input on every call: answer cheaply.
  context: ({ input }) => (input ? initialContext(input) : ({} as BuyerContext)),
  initial: 'counting',
  states: { counting: { on: { '*': { actions: 'apply' } } } },
});

function initialContext(i: BuyerInput): BuyerContext {
  return {
    eventId: i.eventId,
    userId: i.userId,
    orders: { [i.orderId]: { quantity: i.quantity, state: 'open', until: i.until } },
    released: [],
    createdAt: i.now,
    updatedAt: i.now,
  };
}

/** The machine's type. */
export type BuyerMachine = typeof buyerMachine;
