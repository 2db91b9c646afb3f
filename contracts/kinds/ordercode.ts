/**
 * @module contracts/kinds/ordercode
 * The public protocol of the `ordercode` actor (one 12-digit order code): `claim { orderId }`
 * takes the code for an order, or answers who already holds it (first claim wins); `get` reads it.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Command, ReadCommand } from '../schemas.js';

const OrderId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

/** Command schemas, one per verb. */
export const OrderCodeCommands = {
  claim: Command({ orderId: OrderId }),
  get: ReadCommand({}),
};

/** Who holds the code. */
export const OrderCodeHolder = Type.Object({ orderId: Type.String(), claimedAt: Type.Integer({ minimum: 0 }) });
export type OrderCodeHolder = Static<typeof OrderCodeHolder>;

/** Reply schema per verb. */
export const OrderCodeReplies = { claim: OrderCodeHolder, get: OrderCodeHolder };
