/**
 * @module tools/rehearse/stats
 * The arithmetic of the report: percentiles, histograms and Kendall's τ between an expected
 * order and an observed one (ties in the observed order are neither concordant nor discordant,
 * so τ = 1 exactly when no pair was admitted in the wrong order). Pure functions.
 */

/** Which statuses' ETAs are scored: every one, or only those that did (not) also say `likelySoldOut`. */
export type EtaScope = 'all' | 'inStock' | 'likelySoldOut';

/**
 * Absolute percentage errors of the ETAs admitted buyers were shown: for each ETA (s) shown at
 * `at`, |ETA − actual| / actual × 100 with actual = admission − `at`, floored at 1 s (the ETA is
 * in whole seconds, so a shorter wait cannot be told apart from 1 s). `scope` picks the statuses
 * by their `likelySoldOut` flag (the third element of each `etas` entry).
 */
export function etaErrors(
  records: Array<{ admittedAt?: number; etas?: Array<[number, number, true?]> }>,
  scope: EtaScope = 'all',
): number[] {
  const out: number[] = [];
  for (const r of records) {
    if (r.admittedAt === undefined) continue;
    for (const [at, sec, likelySoldOut] of r.etas ?? []) {
      if (at > r.admittedAt) continue;
      if (scope !== 'all' && (scope === 'likelySoldOut') !== (likelySoldOut === true)) continue;
      const actual = Math.max(1, (r.admittedAt - at) / 1000);
      out.push((Math.abs(sec - actual) / actual) * 100);
    }
  }
  return out;
}

/** The q-quantile (0..1) of `values` (nearest rank); 0 for an empty list. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** p50, p90, p99 and max of `values`, rounded to ms. */
export function summary(values: number[]): { n: number; p50: number; p90: number; p99: number; max: number } {
  const r = (x: number) => Math.round(x);
  return {
    n: values.length,
    p50: r(percentile(values, 0.5)),
    p90: r(percentile(values, 0.9)),
    p99: r(percentile(values, 0.99)),
    max: r(percentile(values, 1)),
  };
}

/** Result of `kendallTau`. */
export interface TauResult {
  tau: number;
  pairs: number;
  discordant: number;
  tied: number;
}

/**
 * Kendall's τ between the expected order (the array's order) and `observed` keys (smaller =
 * earlier). Counts strict inversions by merge sort, O(n log n). τ = 1 for fewer than 2 items.
 */
export function kendallTau(observed: number[]): TauResult {
  const n = observed.length;
  const pairs = (n * (n - 1)) / 2;
  const counts = new Map<number, number>();
  for (const v of observed) counts.set(v, (counts.get(v) ?? 0) + 1);
  let tied = 0;
  for (const c of counts.values()) tied += (c * (c - 1)) / 2;
  let discordant = 0;
  const a = [...observed];
  const tmp = new Array<number>(n);
  const sort = (lo: number, hi: number): void => {
    if (hi - lo < 2) return;
    const mid = (lo + hi) >> 1;
    sort(lo, mid);
    sort(mid, hi);
    let i = lo;
    let j = mid;
    let k = lo;
    while (i < mid && j < hi) {
      if (a[j]! < a[i]!) {
        discordant += mid - i;
        tmp[k++] = a[j++]!;
      } else tmp[k++] = a[i++]!;
    }
    while (i < mid) tmp[k++] = a[i++]!;
    while (j < hi) tmp[k++] = a[j++]!;
    for (let x = lo; x < hi; x++) a[x] = tmp[x]!;
  };
  sort(0, n);
  const concordant = pairs - discordant - tied;
  const tau = concordant + discordant === 0 ? 1 : (concordant - discordant) / (concordant + discordant);
  return { tau, pairs, discordant, tied };
}

/** Counts of `values` in `buckets` equal-width bins over [0, max]. */
export function histogram(values: number[], buckets = 30): { width: number; counts: number[] } {
  const max = Math.max(1, ...values);
  const width = max / buckets;
  const counts = new Array<number>(buckets).fill(0);
  for (const v of values) counts[Math.min(buckets - 1, Math.floor(v / width))]!++;
  return { width, counts };
}
