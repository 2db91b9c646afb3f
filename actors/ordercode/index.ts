/**
 * @module actors/ordercode
 * The `ordercode` kind's front door: `claim { orderId }` creates the code for that order, or
 * answers who already holds it; `get` reads it. The order service retries with the next derived
 * code when a claim answers another order (docs/orders.md).
 */
import { OrderCodeCommands as C } from '../../contracts/kinds/index.js';
import type { ActorKind } from '../runtime/index.js';
import { orderCodeMachine } from './machine.js';

export const ordercodeKind: ActorKind<typeof orderCodeMachine> = {
  kind: 'ordercode',
  version: 1,
  machine: orderCodeMachine,
  handlers: {
    claim: {
      schema: C.claim,
      description: 'Claim this code for an order (first claim wins); answers the holder',
      init: (cmd, ctx) => ({ orderId: cmd.orderId, now: ctx.now }),
      reply: ({ after }) => ({ orderId: after.context.orderId, claimedAt: after.context.claimedAt }),
    },
    get: {
      schema: C.get,
      readOnly: true,
      reply: ({ after }) => ({ orderId: after.context.orderId, claimedAt: after.context.claimedAt }),
    },
  },
};

export { orderCodeMachine };
export type { OrderCodeContext, OrderCodeInput } from './machine.js';
