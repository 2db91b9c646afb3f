/**
 * @module actors/queue/order.test
 * Pure tests of the pre-queue order (`contracts/kinds/queue.ts`): the keyed Feistel permutation
 * is a bijection of [1..P] for any P and seed, `ticketAt` inverts `positionOf`, later tickets
 * keep FIFO, and different seeds give different orders (golden values pin the algorithm, so a
 * published seed recomputes the same order in every version).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { positionOf, seedHashOf, ticketAt } from '../../contracts/kinds/queue.js';

const hex = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));

describe('queue order', () => {
  it('queue - positionOf is a bijection of [1..P] inverted by ticketAt, FIFO beyond P (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000 }), hex, (P, seed) => {
        const pre = { preQueueSize: P, seed };
        const seen = new Set<number>();
        for (let t = 1; t <= P; t++) {
          const p = positionOf(t, pre);
          expect(p).toBeGreaterThanOrEqual(1);
          expect(p).toBeLessThanOrEqual(P);
          expect(ticketAt(p, pre)).toBe(t);
          seen.add(p);
        }
        expect(seen.size).toBe(P);
        expect(positionOf(P + 1, pre)).toBe(P + 1);
        expect(ticketAt(P + 7, pre)).toBe(P + 7);
      }),
      { numRuns: 25 },
    );
  });

  it('queue - the order depends on the seed and is far from join order', () => {
    const a = { preQueueSize: 1_000, seed: '00'.repeat(32) };
    const b = { preQueueSize: 1_000, seed: '01'.repeat(32) };
    let same = 0;
    let fixed = 0;
    for (let t = 1; t <= 1_000; t++) {
      if (positionOf(t, a) === positionOf(t, b)) same++;
      if (positionOf(t, a) === t) fixed++;
    }
    expect(same).toBeLessThan(20);
    expect(fixed).toBeLessThan(20);
  });

  it('queue - golden values: the published algorithm never changes', () => {
    const pre = { preQueueSize: 10, seed: 'ab'.repeat(32) };
    expect(seedHashOf(pre.seed)).toMatch(/^[0-9a-f]{64}$/);
    expect(Array.from({ length: 10 }, (_, i) => positionOf(i + 1, pre))).toMatchInlineSnapshot(`
      [
        6,
        9,
        2,
        4,
        7,
        3,
        5,
        8,
        10,
        1,
      ]
    `);
  });
});
