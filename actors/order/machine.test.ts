/**
 * @module actors/order/machine.test
 * Pure tests of the order saga with a fake `now`: the happy path, a free order, the payment
 * deadline, and fast-check properties over random step results (duplicated, stale, reordered):
 * never COMPLETED without a succeeded payment or a zero total; every hold of a failed, cancelled
 * or expired order ends released once the intents are performed; a duplicate changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { nextOrderDeadline, orderMachine as machine } from './machine.js';
import type { OrderInput, OrderMachineEvent } from './types.js';

type Snap = SnapshotFrom<typeof machine>;
type Emitted = { type: string } & Record<string, unknown>;
const TTL = 15 * 60_000;

function input(lines = 2, over: Partial<OrderInput> = {}): OrderInput {
  return {
    orderId: 'ord_1',
    code: '123456789012',
    userId: 'u1',
    eventId: 'ev1',
    provider: 'sandbox',
    sessionId: 's1',
    lines: Array.from({ length: lines }, (_, i) => ({ classId: `tc${i}`, quantity: i + 1 })),
    paymentTtlMs: TTL,
    stepTimeoutMs: 60_000,
    processingExtensionMs: 300_000,
    createCommandId: 'c0',
    now: 0,
    ...over,
  };
}
const emittedOf = (actions: unknown[]): Emitted[] =>
  (actions as Array<{ type: string; params?: { event: Emitted } }>).filter((a) => a.type === 'xstate.emit').map((a) => a.params!.event);
function step(s: Snap, e: OrderMachineEvent) {
  const [next, actions] = transition(machine, s, e);
  return { s: next, events: emittedOf(actions) };
}
const created = (lines = 2, over: Partial<OrderInput> = {}) => initialTransition(machine, input(lines, over));
const reserveAll = (s: Snap, price: number, now = 1) =>
  s.context.lines.reduce(
    (acc, l) =>
      step(acc, { type: 'order.reserved', classId: l.classId, attempt: l.attempt, unitPriceMinor: price, currency: 'VND', now }).s,
    s,
  );
const pay = (s: Snap, now: number) =>
  step(s, {
    type: 'order.paymentSucceeded',
    paymentId: 'p1',
    providerTxnId: 't1',
    amountMinor: s.context.totalMinor,
    currency: 'VND',
    now,
  });

/** Perform every open intent faithfully (what the order service and the saga worker do). */
function drain(s: Snap, now: number): Snap {
  for (let round = 0; round < 10; round++) {
    const before = s;
    for (const l of s.context.lines) {
      if (l.state === 'releasing')
        s = step(s, { type: 'order.released', classId: l.classId, attempt: l.attempt, ...(l.late ? { late: true } : {}), now }).s;
      else if (l.state === 'pending')
        s = step(s, {
          type: 'order.reserved',
          classId: l.classId,
          attempt: l.attempt,
          unitPriceMinor: l.unitPriceMinor,
          currency: 'VND',
          now,
        }).s;
      else if (l.state === 'confirming') s = step(s, { type: 'order.confirmed', classId: l.classId, now }).s;
    }
    if (s === before) break;
  }
  return s;
}

describe('order machine', () => {
  it('order - create emits created and one reserve intent per line with deterministic command ids', () => {
    const [s, actions] = created();
    expect(emittedOf(actions).map((e) => [e.type, e['commandId']])).toEqual([
      ['order.created', undefined],
      ['order.reserveRequested', 'ord_1:reserve:tc0'],
      ['order.reserveRequested', 'ord_1:reserve:tc1'],
    ]);
    expect(s.value).toBe('reserving');
    expect(nextOrderDeadline(s.context)).toBe(60_000);
  });

  it('order - all held → paymentRequested → PENDING → paid → confirm → COMPLETED with checkout.completed', () => {
    let s = reserveAll(created()[0], 1_000);
    expect(s.context.totalMinor).toBe(3_000);
    expect(s.context.paymentRequested).toBe(true);
    const pending = step(s, { type: 'order.paymentCreated', paymentId: 'p1', paymentUrl: 'http://x', provider: 'sandbox', now: 2 });
    expect(pending.s.value).toBe('awaitingPayment');
    expect(pending.events.map((e) => e.type)).toEqual(['order.pending']);
    const paid = pay(pending.s, 3);
    expect(paid.events.map((e) => e.type)).toEqual(['order.confirmRequested', 'order.confirmRequested']);
    s = step(paid.s, { type: 'order.confirmed', classId: 'tc0', now: 4 }).s;
    const done = step(s, { type: 'order.confirmed', classId: 'tc1', now: 5 });
    expect(done.s.value).toBe('completed');
    expect(done.events.map((e) => e.type)).toEqual(['order.completed', 'checkout.completed']);
  });

  it('order - a free order confirms at once, with no payment', () => {
    const s = reserveAll(created(1)[0], 0);
    expect(s.context.status).toBe('CONFIRMING');
    expect(drain(s, 2).context.status).toBe('COMPLETED');
  });

  it('order - the payment deadline cancels, requests every release and emits checkout.expired', () => {
    let s = reserveAll(created()[0], 1_000);
    s = step(s, { type: 'order.paymentCreated', paymentId: 'p1', paymentUrl: 'http://x', provider: 'sandbox', now: 2 }).s;
    expect(nextOrderDeadline(s.context)).toBe(TTL);
    expect(step(s, { type: 'timer.fired', now: TTL - 1 }).s.context.status).toBe('PENDING');
    const r = step(s, { type: 'timer.fired', now: TTL });
    expect(r.s.context.status).toBe('CANCELLED');
    expect(r.events.map((e) => e.type)).toEqual([
      'order.cancelled',
      'order.releaseRequested',
      'order.releaseRequested',
      'checkout.expired',
    ]);
    expect(drain(r.s, TTL + 1).context.lines.every((l) => l.state === 'released')).toBe(true);
  });

  it('order - a payment after the release re-reserves under a new hold key, else is REFUND_PENDING (ticketsLost) with its refund requested', () => {
    let s = reserveAll(created(1)[0], 1_000);
    s = step(s, { type: 'order.paymentCreated', paymentId: 'p1', paymentUrl: 'http://x', provider: 'sandbox', now: 2 }).s;
    s = drain(step(s, { type: 'timer.fired', now: TTL }).s, TTL);
    const late = pay(s, TTL + 5);
    expect(late.events[0]).toMatchObject({ type: 'order.reserveRequested', holdKey: 'ord_1-r1', commandId: 'ord_1:reserve1:tc0' });
    expect(drain(late.s, TTL + 6).context).toMatchObject({ status: 'COMPLETED' });
    const refused = step(late.s, {
      type: 'order.reserveRefused',
      classId: 'tc0',
      attempt: 1,
      code: 'INVENTORY_SOLD_OUT',
      available: 0,
      now: TTL + 6,
    });
    expect(refused.s.context).toMatchObject({
      status: 'REFUND_PENDING',
      refundRequired: true,
      refund: { status: 'PENDING', reason: 'ticketsLost' },
    });
    expect(refused.events).toContainEqual(
      expect.objectContaining({ type: 'order.refundRequested', reason: 'ticketsLost', paymentId: 'p1' }),
    );
  });
});

// --- properties over random step results ---
const op = fc.oneof(
  fc.record({
    k: fc.constantFrom('reserved', 'refused', 'confirmed', 'confirmRefused', 'released', 'stuck'),
    line: fc.nat(2),
    stale: fc.boolean(),
    free: fc.boolean(),
  }),
  fc.record({
    k: fc.constantFrom('payCreated', 'payCreateFailed', 'paySucceeded', 'payFailed', 'processing', 'cancel'),
    wrong: fc.boolean(),
  }),
  fc.record({ k: fc.constant('timer'), dt: fc.integer({ min: 0, max: 20 * 60_000 }) }),
  fc.record({ k: fc.constant('dup'), idx: fc.nat(50) }),
);
type Op = { k: string; line?: number; stale?: boolean; free?: boolean; wrong?: boolean; dt?: number; idx?: number };

/** Turn abstract ops into machine events against the current context; returns the final snapshot and the events applied. */
function run(lines: number, ops: Op[], check: (s: Snap, e: OrderMachineEvent) => void = () => undefined) {
  let s = created(lines)[0];
  let now = 0;
  const applied: OrderMachineEvent[] = [];
  /** Events that changed the order when first applied: their duplicates must change nothing. */
  const effective: OrderMachineEvent[] = [];
  for (const o of ops) {
    now += 1;
    const l = s.context.lines[(o.line ?? 0) % lines]!;
    const attempt = o.stale ? l.attempt + 1 : l.attempt;
    const ev: OrderMachineEvent | undefined = (() => {
      switch (o.k) {
        case 'reserved':
          return { type: 'order.reserved', classId: l.classId, attempt, unitPriceMinor: o.free ? 0 : 500, currency: 'VND', now };
        case 'refused':
          return { type: 'order.reserveRefused', classId: l.classId, attempt, code: 'INVENTORY_SOLD_OUT', available: 0, now };
        case 'confirmed':
          return { type: 'order.confirmed', classId: l.classId, now };
        case 'confirmRefused':
          return { type: 'order.confirmRefused', classId: l.classId, code: 'INVENTORY_ORDER_FINISHED', now };
        case 'released':
          return { type: 'order.released', classId: l.classId, attempt, ...(o.free ? { late: true } : {}), now };
        case 'stuck':
          return { type: 'order.compensationStuck', classId: l.classId, attempts: 5, error: 'x', now };
        case 'payCreated':
          return { type: 'order.paymentCreated', paymentId: 'p1', paymentUrl: 'u', provider: 'sandbox', now };
        case 'payCreateFailed':
          return { type: 'order.paymentCreateFailed', reason: 'x', now };
        case 'paySucceeded':
          return {
            type: 'order.paymentSucceeded',
            paymentId: 'p1',
            providerTxnId: 't',
            amountMinor: s.context.totalMinor + (o.wrong ? 1 : 0),
            currency: 'VND',
            now,
          };
        case 'payFailed':
          return { type: 'order.paymentFailed', paymentId: 'p1', reason: 'x', now };
        case 'processing':
          return { type: 'order.paymentProcessing', paymentId: 'p1', now };
        case 'cancel':
          return { type: 'order.cancel', now };
        case 'timer':
          now += o.dt!;
          return { type: 'timer.fired', now };
        default:
          return applied.length ? { ...applied[o.idx! % applied.length]!, now } : undefined;
      }
    })();
    if (!ev) continue;
    const before = s.context;
    s = step(s, ev).s;
    applied.push(ev);
    if (s.context !== before) effective.push(ev);
    check(s, ev);
  }
  return { s, applied, effective, now };
}

describe('order machine properties', () => {
  it('order - never COMPLETED without a succeeded payment of the order total (or a zero total)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.array(op, { maxLength: 60 }), (lines, ops) => {
        run(lines, ops as Op[], (s) => {
          if (s.context.status !== 'COMPLETED') return;
          const c = s.context;
          expect(c.totalMinor === 0 || c.payment?.status === 'COMPLETED').toBe(true);
          if (!c.refundRequired) expect(c.totalMinor === 0 || c.payment?.amountMinor === c.totalMinor).toBe(true);
        });
      }),
      { numRuns: 1_000 },
    );
  });

  it('order - every hold of a failed, cancelled or expired order is released once the intents are performed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.array(op, { maxLength: 60 }), (lines, ops) => {
        const r = run(lines, ops as Op[]);
        // Past every deadline: an open order expires; then perform every intent.
        const s = drain(step(drain(r.s, r.now + 1), { type: 'timer.fired', now: r.now + 10 * 3_600_000 }).s, r.now + 10 * 3_600_000 + 1);
        const c = s.context;
        expect(['COMPLETED', 'FAILED', 'CANCELLED', 'REFUND_PENDING']).toContain(c.status);
        // A paid order whose tickets could not all be had asks for its money back instead of completing.
        if (c.status === 'REFUND_PENDING')
          expect(c.refundRequired && c.refund?.status === 'PENDING' && c.payment?.status === 'COMPLETED').toBe(true);
        else if (c.status !== 'COMPLETED') expect(c.lines.every((l) => l.state === 'released' || l.state === 'refused')).toBe(true);
        else expect(c.lines.every((l) => l.state === 'confirmed') || c.refundRequired).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it('order - a duplicate of any step result changes nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.array(op, { maxLength: 60 }), (lines, ops) => {
        const r = run(lines, ops as Op[]);
        for (const e of r.effective) {
          if (e.type === 'timer.fired' || e.type === 'order.cancel') continue;
          const again = step(r.s, { ...e, now: r.now + 1 } as OrderMachineEvent);
          expect(again.s.context).toBe(r.s.context);
          expect(again.events).toEqual([]);
        }
      }),
      { numRuns: 1_000 },
    );
  });
  it('order - an organizer refund of a paid order: REFUND_PENDING once, REFUNDED with order.refunded on the answer for its transaction', () => {
    let s = reserveAll(created(1)[0], 1_000);
    s = step(s, { type: 'order.paymentCreated', paymentId: 'p1', paymentUrl: 'http://x', provider: 'sandbox', now: 2 }).s;
    s = drain(pay(s, 3).s, 4);
    expect(s.context.status).toBe('COMPLETED');
    const asked = step(s, { type: 'order.refund', requestedBy: 'org1', reason: 'organizer', now: 5 });
    expect(asked.s.value).toBe('refundPending');
    expect(asked.events).toEqual([
      expect.objectContaining({
        type: 'order.refundRequested',
        paymentId: 'p1',
        providerTxnId: 't1',
        amountMinor: 1_000,
        reason: 'organizer',
      }),
    ]);
    // A replayed refund changes nothing and asks nothing again.
    expect(step(asked.s, { type: 'order.refund', requestedBy: 'org1', reason: 'organizer', now: 6 }).events).toEqual([]);
    // An answer for another transaction (a second payment) does not touch the order.
    const other = step(asked.s, {
      type: 'order.refunded',
      refundId: 'rf_b',
      paymentId: 'p1',
      providerTxnId: 't2',
      amountMinor: 1_000,
      now: 7,
    });
    expect(other.events).toEqual([]);
    const done = step(asked.s, {
      type: 'order.refunded',
      refundId: 'rf_a',
      paymentId: 'p1',
      providerTxnId: 't1',
      amountMinor: 1_000,
      now: 8,
    });
    expect(done.s.context).toMatchObject({ status: 'REFUNDED', refund: { status: 'REFUNDED', refundId: 'rf_a', reason: 'organizer' } });
    expect(done.events).toEqual([
      expect.objectContaining({ type: 'order.refunded', orderId: 'ord_1', eventId: 'ev1', userId: 'u1', refundId: 'rf_a' }),
    ]);
    expect(
      step(done.s, { type: 'order.refunded', refundId: 'rf_a', paymentId: 'p1', providerTxnId: 't1', amountMinor: 1_000, now: 9 }).events,
    ).toEqual([]);
  });

  it('order - a late payment the payments side refunds turns a cancelled order into REFUND_PENDING', () => {
    let s = reserveAll(created(1)[0], 1_000);
    s = step(s, { type: 'order.paymentCreated', paymentId: 'p1', paymentUrl: 'http://x', provider: 'sandbox', now: 2 }).s;
    s = drain(step(s, { type: 'timer.fired', now: TTL }).s, TTL);
    expect(s.context.status).toBe('CANCELLED');
    const r = step(s, {
      type: 'order.refundRequested',
      refundId: 'rf_x',
      paymentId: 'p1',
      providerTxnId: 'late1',
      amountMinor: 1_000,
      reason: 'paidAfterCancel',
      now: TTL + 1,
    });
    expect(r.s.context).toMatchObject({
      status: 'REFUND_PENDING',
      refund: { status: 'PENDING', reason: 'paidAfterCancel', refundId: 'rf_x' },
    });
    const done = step(r.s, {
      type: 'order.refunded',
      refundId: 'rf_x',
      paymentId: 'p1',
      providerTxnId: 'late1',
      amountMinor: 1_000,
      now: TTL + 2,
    });
    expect(done.s.context.status).toBe('REFUNDED');
  });
});
