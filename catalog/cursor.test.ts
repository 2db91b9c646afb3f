import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TbError } from '../contracts/index.js';
import { decodeCursor, encodeCursor, filterFingerprint } from './cursor.js';

describe('catalog cursor', () => {
  const fp = filterFingerprint(['public', 'rock', null, null, null]);

  it('catalog - cursors round-trip for their own filters and ordering', () => {
    expect(decodeCursor(encodeCursor({ mode: 'time', startsAt: 1_900_000_000_000, id: 'ev-1' }, fp), fp, 'time')).toEqual({
      mode: 'time',
      startsAt: 1_900_000_000_000,
      id: 'ev-1',
    });
    expect(decodeCursor(encodeCursor({ mode: 'rank', rank: 0.0607927106320858, id: 'x' }, fp), fp, 'rank')).toEqual({
      mode: 'rank',
      rank: 0.0607927106320858,
      id: 'x',
    });
  });

  it('catalog - a cursor for other filters or another ordering is refused', () => {
    const c = encodeCursor({ mode: 'time', startsAt: 1, id: 'a' }, fp);
    expect(() => decodeCursor(c, filterFingerprint(['public', 'jazz', null, null, null]), 'time')).toThrow(TbError);
    expect(() => decodeCursor(c, fp, 'rank')).toThrow(/cursor is invalid/);
  });

  it('catalog - any garbage string is CATALOG_INVALID_CURSOR, never another error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 700 }), (s) => {
        try {
          decodeCursor(s, fp, 'time');
        } catch (err) {
          expect(TbError.is(err, 'CATALOG_INVALID_CURSOR')).toBe(true);
        }
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const s = Buffer.from(JSON.stringify(v) ?? '', 'utf8').toString('base64url');
        try {
          const k = decodeCursor(s, fp, 'time');
          expect(k.mode).toBe('time');
        } catch (err) {
          expect(TbError.is(err, 'CATALOG_INVALID_CURSOR')).toBe(true);
        }
      }),
    );
  });
});
