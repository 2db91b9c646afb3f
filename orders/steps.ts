/**
 * @module orders/steps
 * Performing the order saga's intents on the ticket classes and reporting each result to the
 * order actor: what the order service (fast path) and the saga worker (safety net) both do.
 * Every call carries the intent's deterministic command id and every report a command id derived
 * from it, so the two performers (or a retry) have no effect beyond the first (runtime rule 4: effects after commit, at least once).
 * A retryable failure (timeout, unavailable) is thrown: the outcome is unknown, never reported.
 */
import { TbError } from '../contracts/index.js';
import type { HoldResult, OrderOutcome } from '../contracts/kinds/ticketclass.js';
import type { OrderView } from '../contracts/kinds/order.js';
import { holdKeyOf, stepCommandId } from '../actors/order/index.js';
import type { Ask } from '../queue/index.js';

/** One step on one line: `attempt` picks the hold key; `late` marks the second release of a late hold. */
export interface LineStep {
  orderId: string;
  classId: string;
  attempt: number;
  quantity?: number;
  holdMs?: number;
  late?: boolean;
}

/** Reserve the line and report `reserved` or `reserveRefused`. Resolves with the order view and the refusal, if any. */
export async function performReserve(ask: Ask, s: LineStep): Promise<{ view: OrderView; refusal?: TbError }> {
  const commandId = stepCommandId(s.orderId, 'reserve', s.classId, s.attempt);
  try {
    const hold = await ask<HoldResult>('ticketclass', s.classId, 'reserve', {
      commandId, orderId: holdKeyOf(s.orderId, s.attempt), quantity: s.quantity!, ...(s.holdMs ? { holdMs: s.holdMs } : {}),
    });
    const view = await ask<OrderView>('order', s.orderId, 'reserved', {
      commandId: `${commandId}:held`, classId: s.classId, attempt: s.attempt, unitPriceMinor: hold.unitPriceMinor, currency: hold.currency,
    });
    return { view };
  } catch (err) {
    const refusal = asRefusal(err, s.classId);
    if (!refusal) throw err;
    const available = refusal.details?.['available'];
    const view = await ask<OrderView>('order', s.orderId, 'reserveRefused', {
      commandId: `${commandId}:refused`, classId: s.classId, attempt: s.attempt, code: refusal.code,
      ...(typeof available === 'number' ? { available } : {}),
    });
    return { view, refusal };
  }
}

/** Release the line's hold (a no-op on the class when there is none) and report `released`. */
export async function performRelease(ask: Ask, s: LineStep, reason: 'cancelled' | 'paymentFailed' | 'paymentExpired' = 'cancelled'): Promise<OrderView> {
  const commandId = stepCommandId(s.orderId, 'release', s.classId, s.attempt) + (s.late ? ':late' : '');
  await ask<OrderOutcome>('ticketclass', s.classId, 'release', { commandId, orderId: holdKeyOf(s.orderId, s.attempt), reason });
  return ask<OrderView>('order', s.orderId, 'released', { commandId: `${commandId}:done`, classId: s.classId, attempt: s.attempt, ...(s.late ? { late: true } : {}) });
}

/** Confirm the line's hold (tickets sold) and report `confirmed`, or `confirmRefused` when the hold is gone. */
export async function performConfirm(ask: Ask, s: LineStep): Promise<OrderView> {
  const commandId = stepCommandId(s.orderId, 'confirm', s.classId, s.attempt);
  try {
    await ask<OrderOutcome>('ticketclass', s.classId, 'confirm', { commandId, orderId: holdKeyOf(s.orderId, s.attempt) });
    return await ask<OrderView>('order', s.orderId, 'confirmed', { commandId: `${commandId}:done`, classId: s.classId });
  } catch (err) {
    if (!(err instanceof TbError) || err.retryable) throw err;
    return ask<OrderView>('order', s.orderId, 'confirmRefused', { commandId: `${commandId}:refused`, classId: s.classId, code: err.code });
  }
}

/** A final refusal of a reserve by the class (a `TbError` that is not retryable), or undefined. */
function asRefusal(err: unknown, classId: string): TbError | undefined {
  if (!(err instanceof TbError) || err.retryable) return undefined;
  // A class that does not exist refuses like any other: the line cannot be had.
  if (err.code === 'COMMAND_NOT_FOUND') return new TbError('ORDER_CLASS_NOT_IN_EVENT', { classId, eventId: 'this event' }, { cause: err });
  return err;
}
