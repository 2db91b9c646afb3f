/**
 * The check-in machine's tie rules: two live scans of one ticket in one group commit share `now`,
 * and the second must not replace the first (it once did when its gate sorted first, so both
 * gates were told "checked in"); offline uploads still converge to the earliest scan.
 */
import { describe, expect, it } from 'vitest';
import { applyScans, applyVoid } from './machine.js';
import { allRecords, NO_RECORDS, RECORD_CHUNKS, recordOf } from './records.js';
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
    expect(allRecords(ctx.checked).sort(([a], [b]) => a.localeCompare(b))).toEqual([
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

  it('a version-1 entry (an object of records) and a version-2 entry (one string of lines) migrate to chunks', () => {
    const context = (checked: unknown) => ({
      status: 'active',
      value: 'open',
      context: { eventId: 'ev', checked, voided: { t3: 'refunded' } },
    });
    const v1 = context({ t1: [1_000, 'gate-1', 'u', 'k1'], t2: [2_000, 'gate 2', 'v', 'k2'] });
    const v2 = context('\nt1\trs\tgate-1\tu\tk1\nt2\t1jk\tgate 2\tv\tk2');
    for (const [old, from] of [
      [v1, 1],
      [v2, 2],
    ] as const) {
      const v3 = checkinKind.migrate!(old, from) as { context: CheckinContext };
      expect(v3.context.checked).toHaveLength(RECORD_CHUNKS);
      expect(recordOf(v3.context.checked, 't1')).toEqual([1_000, 'gate-1', 'u', 'k1']);
      expect(recordOf(v3.context.checked, 't2')).toEqual([2_000, 'gate 2', 'v', 'k2']);
      expect(allRecords(v3.context.checked)).toHaveLength(2);
      expect(v3.context.voided).toEqual({ t3: 'refunded' });
    }
  });

  it('records of many tickets spread over the chunks, and each is found and replaced in its own', () => {
    let ctx = empty;
    const scans = Array.from({ length: 500 }, (_, i) => ({ ticketId: `ord_${i}-1`, gate: 'g', by: 'u', at: 10_000 + i, key: `k${i}` }));
    ctx = applyScans(ctx, scans).ctx;
    expect(ctx.checked.filter((c) => c.length > 0).length).toBeGreaterThan(RECORD_CHUNKS / 2);
    // An earlier offline scan replaces its ticket's line; the others stay.
    ctx = applyScans(ctx, [{ ticketId: 'ord_7-1', gate: 'a', by: 'v', at: 5, key: 'early' }]).ctx;
    expect(recordOf(ctx.checked, 'ord_7-1')).toEqual([5, 'a', 'v', 'early']);
    expect(recordOf(ctx.checked, 'ord_8-1')).toEqual([10_008, 'g', 'u', 'k8']);
    expect(allRecords(ctx.checked)).toHaveLength(500);
  });
});
