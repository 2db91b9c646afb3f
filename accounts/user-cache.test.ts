import { describe, expect, it } from 'vitest';
import { LiveUserCache } from './user-cache.js';

describe('accounts - live user cache', () => {
  it('answers within the TTL, forgets after it, and on demand', () => {
    const c = new LiveUserCache(1_000);
    c.set('u1', ['admin'], 0);
    expect(c.get('u1', 999)).toEqual({ roles: ['admin'] });
    expect(c.get('u1', 1_000)).toBeUndefined();
    c.set('u2', null, 0);
    expect(c.get('u2', 10)).toEqual({ roles: null });
    c.forget('u2');
    expect(c.get('u2', 10)).toBeUndefined();
  });

  it('stays bounded, evicting the oldest', () => {
    const c = new LiveUserCache(10_000, 3);
    for (const u of ['a', 'b', 'c', 'd']) c.set(u, [], 0);
    expect(c.get('a', 1)).toBeUndefined();
    expect(c.get('d', 1)).toEqual({ roles: [] });
  });

  it('caches nothing with a zero TTL', () => {
    const c = new LiveUserCache(0);
    c.set('a', [], 0);
    expect(c.get('a', 0)).toBeUndefined();
  });
});
