/**
 * @module catalog/cursor
 * Opaque pagination cursors: base64url JSON of the last row's sort key plus a fingerprint of the
 * filters it was issued for. Pure. Invariant: `decodeCursor` either returns a well-typed key for
 * the same filters or throws `CATALOG_INVALID_CURSOR` (400) — a forged, truncated or foreign
 * cursor is a client error, never a 500 and never a value that reaches SQL unchecked.
 */
import { TbError, fnv1a32 } from '../contracts/index.js';

/** Which way a cursor pages: rows after its key (`next`, the default) or before it (`prev`). */
export type CursorDir = 'next' | 'prev';

/** The sort key after (or, with `dir: 'prev'`, before) which the page starts. */
export type CursorKey =
  /** Listing order `(starts_at, event_id)` ascending. */
  | { mode: 'time'; startsAt: number; id: string; dir?: CursorDir }
  /** Search order `(rank desc, event_id asc)`. */
  | { mode: 'rank'; rank: number; id: string; dir?: CursorDir };

const MAX_CURSOR_CHARS = 512;
const B64URL = /^[A-Za-z0-9_-]+$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
/** The largest instant a JS `Date` (and so our timestamps) can hold. */
export const MAX_EPOCH_MS = 8.64e15;

/** A short fingerprint of the filters a cursor belongs to (scope, query, category, dates, status). */
export function filterFingerprint(parts: readonly unknown[]): string {
  return fnv1a32(JSON.stringify(parts)).toString(36);
}

/** Encode `key` for the filters fingerprinted as `fp`. */
export function encodeCursor(key: CursorKey, fp: string): string {
  const base = key.mode === 'time' ? { m: 't', s: key.startsAt, i: key.id, f: fp } : { m: 'r', r: key.rank, i: key.id, f: fp };
  // Backward cursors say so; forward ones stay as they were, so cursors issued before keep working.
  const body = key.dir === 'prev' ? { ...base, d: 'p' } : base;
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function invalid(reason: string): TbError {
  return new TbError('CATALOG_INVALID_CURSOR', { reason });
}

/**
 * Decode a cursor issued by `encodeCursor` for the same `fp` and `mode`.
 * @throws TbError `CATALOG_INVALID_CURSOR` for anything else.
 */
export function decodeCursor(cursor: string, fp: string, mode: CursorKey['mode']): CursorKey {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_CHARS || !B64URL.test(cursor)) throw invalid('not a cursor');
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('not a cursor');
  const b = body as Record<string, unknown>;
  if (typeof b.i !== 'string' || !ID.test(b.i)) throw invalid('not a cursor');
  if (b.f !== fp) throw invalid('issued for other filters');
  if (b.d !== undefined && b.d !== 'p') throw invalid('not a cursor');
  const dir = b.d === 'p' ? { dir: 'prev' as const } : {};
  if (mode === 'time') {
    if (b.m !== 't' || !Number.isSafeInteger(b.s)) throw invalid('issued for another ordering');
    if ((b.s as number) < 0 || (b.s as number) > MAX_EPOCH_MS) throw invalid('not a cursor');
    return { mode, startsAt: b.s as number, id: b.i, ...dir };
  }
  if (b.m !== 'r' || typeof b.r !== 'number' || !Number.isFinite(b.r)) throw invalid('issued for another ordering');
  return { mode, rank: b.r, id: b.i, ...dir };
}
