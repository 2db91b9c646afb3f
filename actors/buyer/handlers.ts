/**
 * @module actors/buyer/handlers
 * One handler per public verb of `tb.buyer.<buyerId>.<verb>`. `reserve` creates the buyer on its
 * first order (refusing in `init` when even that order is over a limit) and checks the limits
 * against the context as of `now`; the reply checks again on the committed state, so of two
 * orders in one batch only those that really took quota are answered yes.
 */
import type { SnapshotFrom } from 'xstate';
import { TbError } from '../../contracts/index.js';
import { BuyerCommands as C, type BuyerView } from '../../contracts/kinds/buyer.js';
import type { VerbHandler } from '../runtime/index.js';
import type { BuyerMachine } from './machine.js';
import { expireDue, reserveRefusal, viewOf } from './quota.js';
import type { BuyerContext, BuyerInput } from './types.js';

type Snapshot = SnapshotFrom<BuyerMachine>;
type Handler<V extends keyof typeof C> = VerbHandler<BuyerMachine, (typeof C)[V], BuyerView>;

const asOf = (s: Snapshot, now: number): BuyerContext => expireDue(s.context, now);

const reserve: Handler<'reserve'> = {
  schema: C.reserve,
  description: "Take the order's tickets and one open order within the event's buyer limits (idempotent by order id)",
  init: (cmd, ctx): BuyerInput => {
    if (cmd.quantity > cmd.maxTickets)
      throw new TbError('ORDER_BUYER_TICKET_LIMIT', { eventId: cmd.eventId, limit: cmd.maxTickets, held: 0, requested: cmd.quantity });
    return { eventId: cmd.eventId, userId: cmd.userId, orderId: cmd.orderId, quantity: cmd.quantity, until: cmd.until, now: ctx.now };
  },
  toEvent: (cmd, ctx) => {
    const c = asOf(ctx.snapshot!, ctx.now);
    if (c.userId !== cmd.userId || c.eventId !== cmd.eventId)
      return new TbError('COMMAND_INVALID', { reason: 'buyer id does not match eventId and userId' });
    if (Object.hasOwn(c.orders, cmd.orderId)) return null;
    return (
      reserveRefusal(c, cmd) ?? { type: 'buyer.reserve', orderId: cmd.orderId, quantity: cmd.quantity, until: cmd.until, now: ctx.now }
    );
  },
  reply: ({ cmd, after, now }) => {
    const c = asOf(after, now);
    if (!Object.hasOwn(c.orders, cmd.orderId))
      return (
        reserveRefusal(c, cmd) ?? new TbError('ORDER_BUYER_OPEN_ORDERS_LIMIT', { eventId: c.eventId, limit: cmd.maxOpenOrders, open: -1 })
      );
    return viewOf(c);
  },
};

const settle: Handler<'settle'> = {
  schema: C.settle,
  description: 'The order ended: kept (completed, keeps counting) or released (its quota comes back, once)',
  toEvent: (cmd, ctx) => ({ type: 'buyer.settle', orderId: cmd.orderId, outcome: cmd.outcome, quantity: cmd.quantity, now: ctx.now }),
  reply: ({ after, now }) => viewOf(asOf(after, now)),
};

const get: Handler<'get'> = {
  schema: C.get,
  readOnly: true,
  description: 'What the buyer holds on the event',
  reply: ({ after, now }) => viewOf(asOf(after, now)),
};

/** The verbs of `tb.buyer.<buyerId>.<verb>`. */
export const buyerHandlers = { reserve, settle, get };
