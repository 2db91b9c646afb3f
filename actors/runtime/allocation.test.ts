import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocate, ownerOf } from './allocation.js';

describe('allocation - rendezvous hashing', () => {
  it('is deterministic whatever the order of the live set', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z0-9-]{1,12}$/), { minLength: 1, maxLength: 8 }), fc.nat(1023), (nodes, p) => {
        const shuffled = [...nodes].reverse();
        expect(ownerOf(p, nodes)).toBe(ownerOf(p, shuffled));
        expect(nodes).toContain(ownerOf(p, nodes));
      }),
    );
  });

  it('has no owner without nodes', () => {
    expect(ownerOf(3, [])).toBeUndefined();
  });

  it('spreads partitions roughly evenly', () => {
    const owners = allocate(64, ['node-a', 'node-b', 'node-c']);
    const counts = new Map<string, number>();
    for (const o of owners) counts.set(o!, (counts.get(o!) ?? 0) + 1);
    expect(counts.size).toBe(3);
    for (const c of counts.values()) expect(c).toBeGreaterThan(8);
  });

  it('moves only the partitions of a node that dies, and only to survivors', () => {
    const before = allocate(256, ['a', 'b', 'c']);
    const after = allocate(256, ['a', 'c']);
    for (let p = 0; p < 256; p++) {
      if (before[p] !== 'b') expect(after[p]).toBe(before[p]);
      else expect(['a', 'c']).toContain(after[p]);
    }
  });

  it('moves only partitions to a node that joins', () => {
    const before = allocate(256, ['a', 'b']);
    const after = allocate(256, ['a', 'b', 'c']);
    let moved = 0;
    for (let p = 0; p < 256; p++) {
      if (after[p] !== before[p]) {
        expect(after[p]).toBe('c');
        moved++;
      }
    }
    expect(moved).toBeGreaterThan(40);
    expect(moved).toBeLessThan(130);
  });
});
