/**
 * @module actors/ticketclass/bucket-map
 * A persistent (copy-on-write) string map split into a fixed number of buckets, so that one
 * insert or delete copies one small bucket instead of the whole map: with 2,000 holds a plain
 * `{ ...holds }` costs hundreds of µs per command, a bucket copy a few µs. The bucket of a key is
 * part of the persisted format (kind version 1): never change `BUCKETS` or `bucketOf` without a
 * `migrate`. Keys must not be `__proto__` (order ids start with a letter or digit).
 */

/** Number of buckets; fixed by the persisted format. */
export const BUCKETS = 32;

/** The map: `BUCKETS` plain records; treat as immutable. */
export type BucketMap<V> = Array<Record<string, V>>;

/** A new empty map. */
export function emptyBucketMap<V>(): BucketMap<V> {
  return Array.from({ length: BUCKETS }, () => ({}));
}

/** FNV-1a over UTF-16 code units (keys are ASCII ids), modulo `BUCKETS`. Stable forever. */
export function bucketOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % BUCKETS;
}

/** The value under `key`, or undefined (own properties only). */
export function bmGet<V>(map: BucketMap<V>, key: string): V | undefined {
  const bucket = map[bucketOf(key)];
  return bucket && Object.hasOwn(bucket, key) ? bucket[key] : undefined;
}

/** A new map with `key` set to `value`; `map` is unchanged. */
export function bmSet<V>(map: BucketMap<V>, key: string, value: V): BucketMap<V> {
  const i = bucketOf(key);
  const next = map.slice();
  next[i] = { ...map[i], [key]: value };
  return next;
}

/** A new map without `key` (the same map when absent). */
export function bmDelete<V>(map: BucketMap<V>, key: string): BucketMap<V> {
  const i = bucketOf(key);
  const bucket = map[i];
  if (!bucket || !Object.hasOwn(bucket, key)) return map;
  const copy = { ...bucket };
  delete copy[key];
  const next = map.slice();
  next[i] = copy;
  return next;
}

/** A new map without every key for which `drop` is true (the same map when none is). */
export function bmDeleteWhere<V>(map: BucketMap<V>, drop: (value: V, key: string) => boolean): BucketMap<V> {
  let next: BucketMap<V> | undefined;
  map.forEach((bucket, i) => {
    const doomed = Object.keys(bucket).filter((k) => drop(bucket[k]!, k));
    if (doomed.length === 0) return;
    const copy = { ...bucket };
    for (const k of doomed) delete copy[k];
    next ??= map.slice();
    next[i] = copy;
  });
  return next ?? map;
}

/** Every `[key, value]`, in no particular order. */
export function* bmEntries<V>(map: BucketMap<V>): Generator<[string, V]> {
  for (const bucket of map) {
    for (const key of Object.keys(bucket)) yield [key, bucket[key]!];
  }
}
