/**
 * The check-in machine's tie rules: two live scans of one ticket in one group commit share `now`,
 * and the second must not replace the first (it once did when its gate sorted first, so both
 * gates were told "checked in"); offline uploads still converge to the earliest scan.
 */
import { describe, expect, it } from 'vitest';
import { applyScans } from './machine.js';
import type { CheckinContext, MachineScan } from './types.js';

const empty: CheckinContext = { eventId: 'ev', checked: {}, voided: {} };
const scan = (gate: string, at: number, key: string, live?: boolean): MachineScan => ({ ticketId: 't1', gate, by: 'u', at, key, ...(live ? { live } : {}) });

describe('checkin machine ties', () => {
  it('a second live scan at the same instant never replaces the first, whatever its gate', () => {
    const { ctx, emitted } = applyScans(empty, [scan('gate-7', 1_000, 'k1', true), scan('gate-0', 1_000, 'k2', true)]);
    expect(ctx.checked['t1']).toEqual([1_000, 'gate-7', 'u', 'k1']);
    expect(emitted).toHaveLength(1);
  });

  it('offline scans converge to the earliest in any upload order', () => {
    const a = scan('gate-b', 1_000, 'ka');
    const b = scan('gate-a', 1_000, 'kb');
    const c = scan('gate-c', 900, 'kc');
    const one = applyScans(empty, [a, b, c]).ctx.checked['t1'];
    const two = applyScans(applyScans(empty, [c]).ctx, [b, a]).ctx.checked['t1'];
    expect(one).toEqual([900, 'gate-c', 'u', 'kc']);
    expect(two).toEqual(one);
    expect(applyScans(empty, [a, b]).ctx.checked['t1']![1]).toBe('gate-a');
  });
});
