import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fnv1a32, partitionOf } from './partition.js';

describe('contracts - partition', () => {
  it('is FNV-1a 32-bit (published test vectors) and must never change', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    // Golden values of our own addresses: a change here re-homes every actor of a live cluster.
    expect(fnv1a32('ticketclass.8f3a')).toBe(2943687161);
    expect(partitionOf('ticketclass', '8f3a', 64)).toBe(57);
    expect(partitionOf('event', 'ev_1', 64)).toBe(8);
  });

  it('hashes the UTF-8 bytes, for non-ASCII text too', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        let h = 0x811c9dc5;
        for (const b of new TextEncoder().encode(text)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
        expect(fnv1a32(text)).toBe(h);
      }),
    );
  });

  it('always lands in range and is stable', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.integer({ min: 1, max: 4096 }), (kind, id, n) => {
        const p = partitionOf(kind, id, n);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(n);
        expect(partitionOf(kind, id, n)).toBe(p);
      }),
    );
  });

  it('refuses a nonsensical partition count', () => {
    expect(() => partitionOf('a', 'b', 0)).toThrow(RangeError);
    expect(() => partitionOf('a', 'b', 1.5)).toThrow(RangeError);
  });
});
