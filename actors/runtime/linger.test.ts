/**
 * @module actors/runtime/linger.test
 * The adaptive group commit's wait (`lingerFor`): none for small entries or a zero setting, in
 * proportion to the entry above `LINGER_BYTES`, and never more than ten times the setting.
 */
import { describe, expect, it } from 'vitest';
import { LINGER_BYTES, lingerFor } from './activation.js';

describe('runtime - linger', () => {
  it('small entries and a zero setting never wait; big ones wait in proportion, capped at ten times', () => {
    expect(lingerFor(LINGER_BYTES - 1, 10)).toBe(0);
    expect(lingerFor(1_000_000, 0)).toBe(0);
    expect(lingerFor(LINGER_BYTES, 10)).toBe(10);
    expect(lingerFor(4 * LINGER_BYTES, 10)).toBe(40);
    expect(lingerFor(150 * 1024, 10)).toBeCloseTo(93.75, 5);
    expect(lingerFor(100 * LINGER_BYTES, 10)).toBe(100);
  });
});
