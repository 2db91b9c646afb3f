/**
 * @module orders/steps
 * Performing the order saga's intents on the ticket classes and reporting each result to the
 * order actor: what the order service (fast path) and the saga worker (safety net) both do.
 * Every call carries the intent's deterministic command id and every report a command id derived
 * from it, so the two performers (or a retry) have no effect beyond the first (runtime rule 4: effects after commit, at least once).
 * A retryable failure (timeout, unavailable) is thrown: the outcome is unknown, never reported.
 */
import { TbError } from '../contracts/index.js';
import type { OrderView } from '../contracts/kinds/order.js';
import { holdKeyOf, stepCommandId } from '../actors/order/index.js';
import type { Actors } from '../actors/client/index.js';

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
export async function performReserve(actors: Actors, s: LineStep): Promise<{ view: OrderView; refusal?: TbError }> {
  const commandId = stepCommandId(s.orderId, 'reserve', s.classId, s.attempt);
  try {
    const hold = await actors.ticketclass(s.classId).reserve(
      {
        orderId: holdKeyOf(s.orderId, s.attempt),
        quantity: s.quantity!,
        ...(s.holdMs ? { holdMs: s.holdMs } : {}),
      },
      [commandId],
    );
    const view = await actors.order(s.orderId).reserved(
      {
        classId: s.classId,
        attempt: s.attempt,
        unitPriceMinor: hold.unitPriceMinor,
        currency: hold.currency,
      },
      [commandId, 'held'],
    );
    return { view };
  } catch (err) {
    const refusal = asRefusal(err, s.classId);
    if (!refusal) throw err;
    const available = refusal.details?.['available'];
    const view = await actors.order(s.orderId).reserveRefused(
      {
        classId: s.classId,
        attempt: s.attempt,
        code: refusal.code,
        ...(typeof available === 'number' ? { available } : {}),
      },
      [commandId, 'refused'],
    );
    return { view, refusal };
  }
}

/** Release the line's hold (a no-op on the class when there is none) and report `released`. */
export async function performRelease(
  actors: Actors,
  s: LineStep,
  reason: 'cancelled' | 'paymentFailed' | 'paymentExpired' = 'cancelled',
): Promise<OrderView> {
  const commandId = stepCommandId(s.orderId, 'release', s.classId, s.attempt) + (s.late ? ':late' : '');
  await actors.ticketclass(s.classId).release({ orderId: holdKeyOf(s.orderId, s.attempt), reason }, [commandId]);
  return actors
    .order(s.orderId)
    .released({ classId: s.classId, attempt: s.attempt, ...(s.late ? { late: true } : {}) }, [commandId, 'done']);
}

/** Confirm the line's hold (tickets sold) and report `confirmed`, or `confirmRefused` when the hold is gone. */
export async function performConfirm(actors: Actors, s: LineStep): Promise<OrderView> {
  const commandId = stepCommandId(s.orderId, 'confirm', s.classId, s.attempt);
  try {
    await actors.ticketclass(s.classId).confirm({ orderId: holdKeyOf(s.orderId, s.attempt) }, [commandId]);
    return await actors.order(s.orderId).confirmed({ classId: s.classId }, [commandId, 'done']);
  } catch (err) {
    if (!(err instanceof TbError) || err.retryable) throw err;
    return actors.order(s.orderId).confirmRefused({ classId: s.classId, code: err.code }, [commandId, 'refused']);
  }
}

/** A final refusal of a reserve by the class (a `TbError` that is not retryable), or undefined. */
function asRefusal(err: unknown, classId: string): TbError | undefined {
  if (!(err instanceof TbError) || err.retryable) return undefined;
  // A class that does not exist refuses like any other: the line cannot be had.
  if (err.code === 'COMMAND_NOT_FOUND') return new TbError('ORDER_CLASS_NOT_IN_EVENT', { classId, eventId: 'this event' }, { cause: err });
  return err;
}
