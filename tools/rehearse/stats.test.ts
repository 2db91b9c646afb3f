/**
 * @module tools/rehearse/stats.test
 * The ETA error of the rehearsal's summary: every ETA an admitted buyer was shown against the
 * wait that followed, as absolute percentage error; waits under 1 s count as 1 s; buyers never
 * admitted and ETAs shown after the admission are not scored; the split by `likelySoldOut`.
 */
import { describe, expect, it } from 'vitest';
import { etaErrors, percentile } from './stats.js';

describe('rehearse - ETA error', () => {
  it('scores every ETA shown to an admitted buyer against the wait that followed', () => {
    const errors = etaErrors([
      {
        admittedAt: 20_000,
        etas: [
          [0, 25],
          [10_000, 10],
          [19_800, 1],
        ],
      }, // 25 vs 20 s: 25 %; 10 vs 10 s: 0 %; 1 vs 0.2 s (counted 1 s): 0 %
      {
        admittedAt: 5_000,
        etas: [
          [1_000, 2],
          [6_000, 3],
        ],
      }, // 2 vs 4 s: 50 %; shown after admission: not scored
      { etas: [[0, 7]] }, // never admitted: not scored
    ]);
    expect(errors).toEqual([25, 0, 0, 50]);
    expect(percentile(errors, 0.5)).toBe(0);
    expect(percentile(errors, 0.9)).toBe(50);
  });

  it('splits the scored ETAs by whether their status also said likelySoldOut', () => {
    const records = [
      {
        admittedAt: 20_000,
        etas: [
          [0, 25, true],
          [10_000, 12],
        ] as Array<[number, number, true?]>,
      }, // 25 vs 20 s, likely sold out: 25 %; 12 vs 10 s: 20 %
    ];
    expect(etaErrors(records)).toEqual([25, 20]);
    expect(etaErrors(records, 'inStock')).toEqual([20]);
    expect(etaErrors(records, 'likelySoldOut')).toEqual([25]);
  });
});
