/**
 * The check-in machine's tie rules: two live scans of one ticket in one group commit share `now`,
 * and the second must not replace the first (it once did when its gate sorted first, so both
 * gates were told "checked in"); offline uploads still converge to the earliest scan.
 */
import { describe, expect, it } from 'vitest';
import { applyScans, applyVoid } from './machine.js';
import { allRecords, fromRecordObject, NO_RECORDS, recordOf } from './records.js';
import { checkinKind } from './index.js';
import type { CheckinContext, MachineScan } from './types.js';

const empty: CheckinContext = { eventId: 'ev', checked: NO_RECORDS, voided: {} };
const scan = (gate: string, at: number, key: string, live?: boolean): MachineScan => ({
  ticketId: 't1',
  gate,
  by: 'u',
  at,
  key,
  ...(live ? { live } : {}),
});

describe('checkin machine ties', () => {
  it('a second live scan at the same instant never replaces the first, whatever its gate', () => {
    const { ctx, emitted } = applyScans(empty, [scan('gate-7', 1_000, 'k1', true), scan('gate-0', 1_000, 'k2', true)]);
    expect(recordOf(ctx.checked, 't1')).toEqual([1_000, 'gate-7', 'u', 'k1']);
    expect(emitted).toHaveLength(1);
  });

  it('offline scans converge to the earliest in any upload order', () => {
    const a = scan('gate-b', 1_000, 'ka');
    const b = scan('gate-a', 1_000, 'kb');
    const c = scan('gate-c', 900, 'kc');
    const one = recordOf(applyScans(empty, [a, b, c]).ctx.checked, 't1');
    const two = recordOf(applyScans(applyScans(empty, [c]).ctx, [b, a]).ctx.checked, 't1');
    expect(one).toEqual([900, 'gate-c', 'u', 'kc']);
    expect(two).toEqual(one);
    expect(recordOf(applyScans(empty, [a, b]).ctx.checked, 't1')![1]).toBe('gate-a');
  });

  it('records: a ticket id that is a prefix of another is its own record; an earlier offline scan replaces its line in place', () => {
    let ctx = applyScans(empty, [
      { ...scan('g1', 5_000, 'k1', true), ticketId: 'ord_1-1' },
      { ...scan('g2', 6_000, 'k2', true), ticketId: 'ord_1-10' },
    ]).ctx;
    expect(recordOf(ctx.checked, 'ord_1-1')).toEqual([5_000, 'g1', 'u', 'k1']);
    expect(recordOf(ctx.checked, 'ord_1-10')).toEqual([6_000, 'g2', 'u', 'k2']);
    expect(recordOf(ctx.checked, 'ord_1')).toBeUndefined();
    ctx = applyScans(ctx, [{ ...scan('g 3', 4_000, 'k3'), ticketId: 'ord_1-1' }]).ctx;
    expect(allRecords(ctx.checked)).toEqual([
      ['ord_1-1', [4_000, 'g 3', 'u', 'k3']],
      ['ord_1-10', [6_000, 'g2', 'u', 'k2']],
    ]);
    expect(applyVoid(ctx, ['ord_1-1', 'ord_1-2'], 'refunded').voided).toEqual({ 'ord_1-2': 'refunded' });
  });

  it('one event per command, naming every check-in it made', () => {
    const { emitted } = applyScans(empty, [
      { ...scan('g1', 1, 'a', true), ticketId: 'x' },
      { ...scan('g2', 1, 'b', true), ticketId: 'x' },
      { ...scan('g1', 1, 'c', true), ticketId: 'y' },
    ]);
    expect(emitted).toEqual([
      {
        type: 'checkin.checkedIn',
        eventId: 'ev',
        checkins: [
          { ticketId: 'x', at: 1, gate: 'g1', by: 'u' },
          { ticketId: 'y', at: 1, gate: 'g1', by: 'u' },
        ],
      },
    ]);
  });

  it('a version-1 entry (an object of records) migrates to the string of records', () => {
    const v1 = {
      status: 'active',
      value: 'open',
      context: {
        eventId: 'ev',
        checked: { t1: [1_000, 'gate-1', 'u', 'k1'], t2: [2_000, 'gate 2', 'v', 'k2'] },
        voided: { t3: 'refunded' },
      },
    };
    const v2 = checkinKind.migrate!(v1, 1) as { context: CheckinContext };
    expect(v2.context.checked).toBe(fromRecordObject({ t1: [1_000, 'gate-1', 'u', 'k1'], t2: [2_000, 'gate 2', 'v', 'k2'] }));
    expect(recordOf(v2.context.checked, 't2')).toEqual([2_000, 'gate 2', 'v', 'k2']);
    expect(v2.context.voided).toEqual({ t3: 'refunded' });
  });
});
