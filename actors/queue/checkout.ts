/**
 * @module actors/queue/checkout
 * One admission, one checkout: a slot's checkout token may make exactly one order. The queue is
 * the single writer of its slots, so the first `bindOrder` of an active slot wins and every
 * later, different order is refused; a slot that ended (completed, failed, expired, left) has no
 * binding to give, so its token is dead. Pure functions over the settled context (`settle`).
 */
import { TbError } from '../../contracts/index.js';
import type { BindResult } from '../../contracts/kinds/queue.js';
import type { Step } from './admission.js';
import { slotOfSession } from './admission.js';
import type { QueueContext } from './types.js';

/** Why `orderId` may not be bound to the slot of `sessionId` (undefined: it may, or already is). */
export function bindRefusal(c: QueueContext, sessionId: string, orderId: string): TbError | undefined {
  const held = slotOfSession(c, sessionId);
  if (held?.[1].state !== 'active') return new TbError('ORDER_CHECKOUT_SLOT_ENDED', { eventId: c.eventId, sessionId });
  const bound = held[1].orderId;
  if (bound !== undefined && bound !== orderId) return new TbError('ORDER_CHECKOUT_TOKEN_USED', { eventId: c.eventId, sessionId });
  return undefined;
}

/** What the slot of `sessionId` is bound to now. */
export function bindingOf(c: QueueContext, sessionId: string): BindResult {
  const held = slotOfSession(c, sessionId);
  if (!held) return { sessionId };
  const [position, slot] = held;
  return { sessionId, position, deadline: slot.deadline, ...(slot.orderId !== undefined ? { orderId: slot.orderId } : {}) };
}

/** Bind the active slot of `sessionId` to `orderId` when it has no order yet (the caller checked `bindRefusal`). */
export function bindOrder(c: QueueContext, sessionId: string, orderId: string): Step {
  const held = slotOfSession(c, sessionId);
  if (held?.[1].state !== 'active' || held[1].orderId !== undefined) return { ctx: c, emitted: [] };
  // A new record: the slot facts (count, earliest deadline) are rescanned lazily, deadlines do not change.
  return { ctx: { ...c, slots: { ...c.slots, [String(held[0])]: { ...held[1], orderId } } }, emitted: [] };
}

/** Drop the binding of `orderId` (only that order's): the slot may make another order. */
export function unbindOrder(c: QueueContext, sessionId: string, orderId: string): Step {
  const held = slotOfSession(c, sessionId);
  if (!held || held[1].orderId !== orderId) return { ctx: c, emitted: [] };
  const { orderId: _, ...slot } = held[1];
  return { ctx: { ...c, slots: { ...c.slots, [String(held[0])]: slot } }, emitted: [] };
}
