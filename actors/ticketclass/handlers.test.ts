/**
 * @module actors/ticketclass/handlers.test
 * The verbs as the runtime drives them (schema → init → toEvent → transition → reply), without
 * NATS: replies, refusals with their facts, and idempotency by order id.
 */
import { describe, expect, it } from 'vitest';
import { transition, type SnapshotFrom } from 'xstate';
import { TbError, validate } from '../../contracts/index.js';
import { applyCommand } from '../runtime/index.js';
import { ticketclassKind } from './index.js';

type Snap = SnapshotFrom<typeof ticketclassKind.machine>;
const MIN = 60_000;

/** One actor driven by the runtime's own `applyCommand` (what the activation runs per command). */
class Harness {
  snapshot: Snap | undefined;
  private n = 0;
  send(verb: string, body: Record<string, unknown>, now: number): { result?: any; error?: TbError } {
    let cmd: Record<string, unknown>;
    try {
      cmd = validate(ticketclassKind.handlers[verb]!.schema, { commandId: `c${++this.n}`, ...body });
    } catch (err) {
      if (err instanceof TbError) return { error: err };
      throw err;
    }
    const { outcome, snapshot } = applyCommand(ticketclassKind, verb, cmd, this.snapshot, { id: 'vip', now });
    this.snapshot = snapshot as Snap | undefined;
    if (outcome.ok) return { result: outcome.result };
    if (outcome.error.code === 'INTERNAL' && outcome.error.cause !== undefined) throw outcome.error.cause;
    return { error: outcome.error };
  }
  /** What the runtime's durable timer does when `nextDeadline` has passed. */
  tick(now: number): void {
    const due = ticketclassKind.nextDeadline!(this.snapshot!);
    if (due !== undefined && due <= now)
      this.snapshot = transition(ticketclassKind.machine, this.snapshot!, { type: 'timer.fired', now })[0];
  }
}

function created(fields: Record<string, unknown> = {}): Harness {
  const h = new Harness();
  const r = h.send('create', { eventId: 'ev1', name: 'VIP', priceMinor: 1_500_000, currency: 'VND', total: 10, ...fields }, 1_000);
  expect(r.error).toBeUndefined();
  return h;
}

describe('ticketclass handlers', () => {
  it('create answers the view; the same create again is a no-op; another create is refused', () => {
    const h = new Harness();
    const body = { commandId: 'mk', eventId: 'ev1', name: 'VIP', priceMinor: 10, currency: 'USD', total: 5 };
    expect(h.send('create', body, 1).result).toMatchObject({
      classId: 'vip',
      available: 5,
      status: 'active',
      holdTtlMs: 15 * MIN,
      maxPerOrder: 10,
    });
    expect(h.send('create', body, 2).result).toMatchObject({ available: 5 });
    expect(h.send('create', { ...body, commandId: 'other' }, 3).error?.code).toBe('INVENTORY_ALREADY_EXISTS');
  });

  it('create refuses an inverted sale window and bad fields without creating anything', () => {
    const h = new Harness();
    const base = { eventId: 'ev1', name: 'VIP', priceMinor: 10, currency: 'USD', total: 5 };
    expect(h.send('create', { ...base, saleStartsAt: 10, saleEndsAt: 10 }, 1).error?.code).toBe('INVENTORY_INVALID_SALE_WINDOW');
    expect(h.snapshot).toBeUndefined();
    expect(h.send('create', { ...base, currency: 'usd' }, 1).error?.code).toBe('COMMAND_INVALID');
    expect(h.send('create', { ...base, total: 1_000_001 }, 1).error?.code).toBe('COMMAND_INVALID');
    expect(h.send('reserve', { orderId: 'o1', quantity: 1 }, 1).error?.code).toBe('COMMAND_NOT_FOUND');
  });

  it('reserve answers the hold; a repeat by order id returns the same hold', () => {
    const h = created();
    const first = h.send('reserve', { orderId: 'o1', quantity: 2 }, 2_000).result;
    expect(first).toEqual({
      classId: 'vip',
      orderId: 'o1',
      quantity: 2,
      expiresAt: 2_000 + 15 * MIN,
      available: 8,
      unitPriceMinor: 1_500_000,
      currency: 'VND',
    });
    expect(h.send('reserve', { orderId: 'o1', quantity: 2 }, 3_000).result).toEqual(first);
    expect(h.send('reserve', { orderId: 'o1', quantity: 3 }, 3_000).error?.details).toMatchObject({ orderId: 'o1', held: 2, requested: 3 });
    expect(h.send('reserve', { orderId: 'o2', quantity: 1, holdMs: MIN }, 3_000).result.expiresAt).toBe(3_000 + MIN);
  });

  it('reserve refusals name the class and what is left', () => {
    const h = created({ total: 3, maxPerOrder: 2 });
    expect(h.send('reserve', { orderId: 'o1', quantity: 3 }, 2).error?.details).toEqual({ classId: 'vip', requested: 3, limit: 2 });
    h.send('reserve', { orderId: 'o1', quantity: 2 }, 2);
    const insufficient = h.send('reserve', { orderId: 'o2', quantity: 2 }, 2).error!;
    const retry = { retryAt: 2 + 15 * MIN, retryInSec: 900 };
    expect([insufficient.code, insufficient.status, insufficient.details]).toEqual([
      'INVENTORY_INSUFFICIENT',
      409,
      { classId: 'vip', requested: 2, available: 1, held: 2, ...retry },
    ]);
    h.send('reserve', { orderId: 'o3', quantity: 1 }, 2);
    // Everything left is held by unpaid checkouts: not sold out, and the buyer learns when to retry.
    const allHeld = h.send('reserve', { orderId: 'o4', quantity: 1 }, 2).error!;
    expect([allHeld.code, allHeld.status, allHeld.details]).toEqual([
      'INVENTORY_ALL_HELD',
      409,
      { classId: 'vip', requested: 1, available: 0, held: 3, ...retry },
    ]);
    expect(allHeld.message).toContain('try again in 900 s');
    expect(h.send('get', {}, 2).result).toMatchObject({
      status: 'allHeld',
      available: 0,
      reserved: 3,
      holdsCount: 2,
      nextHoldEndsAt: 2 + 15 * MIN,
    });
    // Sold means sold: once every ticket is confirmed, SOLD_OUT, and the view says soldOut.
    h.send('confirm', { orderId: 'o1' }, 3);
    h.send('confirm', { orderId: 'o3' }, 3);
    const soldOut = h.send('reserve', { orderId: 'o7', quantity: 1 }, 4).error!;
    expect([soldOut.code, soldOut.details]).toEqual(['INVENTORY_SOLD_OUT', { classId: 'vip', requested: 1, available: 0, held: 0 }]);
    expect(h.send('get', {}, 4).result).toMatchObject({ status: 'soldOut', available: 0, reserved: 0, sold: 3 });
    expect(h.send('get', {}, 4).result.nextHoldEndsAt).toBeUndefined();
    expect(h.send('reserve', { orderId: 'o5', quantity: 0 }, 2).error?.code).toBe('COMMAND_INVALID');
    expect(h.send('reserve', { orderId: '__proto__', quantity: 1 }, 2).error?.code).toBe('COMMAND_INVALID');
    expect(h.send('reserve', { orderId: 'o6', quantity: 1, holdMs: 61 * MIN }, 2).error?.code).toBe('COMMAND_INVALID');
  });

  it('reserve is refused while paused, closed, or outside the sale window', () => {
    const h = created({ saleStartsAt: 5_000, saleEndsAt: 9_000 });
    expect(h.send('reserve', { orderId: 'o1', quantity: 1 }, 4_000).error?.details).toMatchObject({
      reason: 'notStarted',
      saleStartsAt: 5_000,
    });
    expect(h.send('reserve', { orderId: 'o1', quantity: 1 }, 9_000).error?.details).toMatchObject({ reason: 'ended' });
    h.send('pause', {}, 6_000);
    expect(h.send('reserve', { orderId: 'o1', quantity: 1 }, 6_000).error?.details).toMatchObject({ reason: 'paused' });
    expect(h.send('pause', {}, 6_000).result.status).toBe('paused');
    h.send('close', {}, 6_000);
    expect(h.send('reserve', { orderId: 'o1', quantity: 1 }, 6_000).error?.details).toMatchObject({ reason: 'closed' });
    expect(h.send('resume', {}, 6_000).error?.code).toBe('INVENTORY_CLASS_CLOSED');
    expect(h.send('close', {}, 6_000).result.status).toBe('closed');
  });

  it('confirm sells the hold; a repeat answers the same; unknown and expired orders are refused', () => {
    const h = created();
    h.send('reserve', { orderId: 'o1', quantity: 2 }, 0);
    const done = { classId: 'vip', orderId: 'o1', state: 'confirmed', quantity: 2, available: 8 };
    expect(h.send('confirm', { orderId: 'o1' }, 1).result).toEqual({ ...done, changed: true });
    expect(h.send('confirm', { orderId: 'o1' }, 2).result).toEqual({ ...done, changed: false });
    expect(h.send('confirm', { orderId: 'nope' }, 2).error?.code).toBe('INVENTORY_HOLD_NOT_FOUND');
    h.send('reserve', { orderId: 'o2', quantity: 1, holdMs: MIN }, 0);
    // The timer has not fired yet, but at MIN the hold is dead: confirm must not sell it.
    expect(h.send('confirm', { orderId: 'o2' }, MIN).error?.details).toEqual({
      classId: 'vip',
      orderId: 'o2',
      state: 'released',
      reason: 'expired',
    });
    expect(h.send('get', {}, MIN).result).toMatchObject({ sold: 2, reserved: 0, available: 8, soldOrders: 1 });
  });

  it('release is idempotent, says what state the order is in, and never releases sold tickets', () => {
    const h = created();
    h.send('reserve', { orderId: 'o1', quantity: 3 }, 0);
    expect(h.send('release', { orderId: 'o1', reason: 'paymentFailed' }, 1).result).toMatchObject({
      state: 'released',
      reason: 'paymentFailed',
      changed: true,
      available: 10,
    });
    expect(h.send('release', { orderId: 'o1' }, 2).result).toMatchObject({ state: 'released', reason: 'paymentFailed', changed: false });
    expect(h.send('release', { orderId: 'ghost' }, 2).result).toEqual({
      classId: 'vip',
      orderId: 'ghost',
      state: 'unknown',
      quantity: 0,
      changed: false,
      available: 10,
    });
    expect(h.send('reserve', { orderId: 'o1', quantity: 3 }, 3).error?.code).toBe('INVENTORY_ORDER_FINISHED');
    h.send('reserve', { orderId: 'o2', quantity: 1 }, 3);
    h.send('confirm', { orderId: 'o2' }, 4);
    expect(h.send('release', { orderId: 'o2' }, 5).error?.details).toMatchObject({ state: 'confirmed' });
  });

  it('extend moves a live hold deadline; the durable timer expires holds at their deadline', () => {
    const h = created();
    h.send('reserve', { orderId: 'o1', quantity: 1, holdMs: MIN }, 0);
    expect(h.send('extend', { orderId: 'o1', holdMs: 10 * MIN }, 30_000).result.expiresAt).toBe(30_000 + 10 * MIN);
    expect(h.send('extend', { orderId: 'o9', holdMs: MIN }, 30_000).error?.code).toBe('INVENTORY_HOLD_NOT_FOUND');
    expect(ticketclassKind.nextDeadline!(h.snapshot!)).toBeLessThanOrEqual(30_000 + 10 * MIN);
    h.tick(30_000 + 10 * MIN);
    expect(h.snapshot!.context).toMatchObject({ reserved: 0, holdsCount: 0 });
    expect(ticketclassKind.nextDeadline!(h.snapshot!)).toBeUndefined();
  });

  it('update refuses a total below reserved + sold and answers the new view', () => {
    const h = created();
    h.send('reserve', { orderId: 'o1', quantity: 4 }, 0);
    h.send('confirm', { orderId: 'o1' }, 1);
    h.send('reserve', { orderId: 'o2', quantity: 2 }, 2);
    const low = h.send('update', { total: 5 }, 3).error!;
    expect([low.code, low.details]).toEqual(['INVENTORY_TOTAL_TOO_LOW', { classId: 'vip', total: 5, committed: 6, reserved: 2, sold: 4 }]);
    expect(h.send('update', { total: 6, priceMinor: 2_000_000 }, 3).result).toMatchObject({
      total: 6,
      available: 0,
      status: 'allHeld',
      priceMinor: 2_000_000,
    });
    expect(h.send('update', { saleStartsAt: 10, saleEndsAt: 5 }, 3).error?.code).toBe('INVENTORY_INVALID_SALE_WINDOW');
  });
});
