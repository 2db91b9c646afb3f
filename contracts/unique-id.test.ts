import { describe, expect, it } from 'vitest';
import { uniqueId } from './unique-id.js';

describe('contracts - uniqueId', () => {
  it('gives 22 base64url characters, never the same twice in a process', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      const id = uniqueId();
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(100_000);
  });
});
