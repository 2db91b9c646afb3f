/**
 * @module actors/runtime/lease
 * Partition leases in the `tb_leases` KV bucket (Akka `Lease`): acquired and renewed only by
 * compare-and-set on the key's revision, so two nodes can never both succeed from the same
 * revision. A node checks `isValid` before any irreversible step and stops a partition whose
 * lease it lost or could not renew in time (runtime rule 3: no lease, no entities). Expiry is judged against the
 * holder's own conservative clock reading (time *before* the renewal was sent).
 */
import type { KV } from '@nats-io/kv';
import { decode, encode, Format } from '../../contracts/index.js';
import { isWrongLastSequence } from './store.js';

export interface LeaseValue {
  /** Holder node id; '' when released. */
  node: string;
  /** Holder's wall clock + TTL at the time of the renewal. */
  expiresAt: number;
}

interface Held {
  revision: number;
  expiresAt: number;
}

export type RenewOutcome = 'renewed' | 'lost' | 'unknown';

export interface LeaseOptions {
  ttlMs: number;
  now?: () => number;
}

export class PartitionLeases {
  private readonly held = new Map<number, Held>();
  private readonly now: () => number;

  constructor(
    private readonly kv: KV,
    private readonly nodeId: string,
    private readonly opts: LeaseOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  static key(partition: number): string {
    return `p.${partition}`;
  }

  /** Safety margin: a lease closer than this to expiry is treated as already gone. */
  get marginMs(): number {
    return Math.min(1_000, Math.floor(this.opts.ttlMs / 4));
  }

  /** Who holds `partition` now according to the bucket (undefined if free or expired). */
  async holder(partition: number): Promise<string | undefined> {
    const e = await this.kv.get(PartitionLeases.key(partition));
    if (e?.operation !== 'PUT') return undefined;
    const v = decode(e.value, Format.Msgpack) as LeaseValue;
    return v.node && v.expiresAt > this.now() ? v.node : undefined;
  }

  /**
   * Try to take the lease: succeeds when it is free, released, expired, or already ours.
   * Returns false (never throws on a conflict) when someone else holds it or won the race.
   */
  async tryAcquire(partition: number): Promise<boolean> {
    const key = PartitionLeases.key(partition);
    const started = this.now();
    const e = await this.kv.get(key);
    let expected = 0;
    if (e && e.operation === 'PUT') {
      const v = decode(e.value, Format.Msgpack) as LeaseValue;
      const free = !v.node || v.node === this.nodeId || v.expiresAt <= started;
      if (!free) return false;
      expected = e.revision;
    } else if (e) {
      expected = e.revision;
    }
    const value: LeaseValue = { node: this.nodeId, expiresAt: started + this.opts.ttlMs };
    try {
      const revision = expected === 0 ? await this.kv.create(key, encode(value)) : await this.kv.update(key, encode(value), expected);
      this.held.set(partition, { revision, expiresAt: value.expiresAt });
      return true;
    } catch (err) {
      if (isWrongLastSequence(err)) return false;
      throw err;
    }
  }

  /**
   * Renew a held lease. `lost`: someone else wrote the key (stop the partition now).
   * `unknown`: storage did not answer; the lease is still ours until its local expiry, after
   * which `isValid` turns false by itself.
   */
  async renew(partition: number): Promise<RenewOutcome> {
    const h = this.held.get(partition);
    if (!h) return 'lost';
    const started = this.now();
    const value: LeaseValue = { node: this.nodeId, expiresAt: started + this.opts.ttlMs };
    try {
      const revision = await this.kv.update(PartitionLeases.key(partition), encode(value), h.revision);
      this.held.set(partition, { revision, expiresAt: value.expiresAt });
      return 'renewed';
    } catch (err) {
      if (isWrongLastSequence(err)) {
        this.held.delete(partition);
        return 'lost';
      }
      return 'unknown';
    }
  }

  /** Give the lease back (clean hand-off) so the next owner need not wait for expiry. Best effort. */
  async release(partition: number): Promise<void> {
    const h = this.held.get(partition);
    this.held.delete(partition);
    if (!h) return;
    const value: LeaseValue = { node: '', expiresAt: 0 };
    await this.kv.update(PartitionLeases.key(partition), encode(value), h.revision).catch(() => undefined);
  }

  /** Forget a lease locally without writing (after `lost`). */
  drop(partition: number): void {
    this.held.delete(partition);
  }

  /** True while this node holds the lease with at least the safety margin left. */
  isValid(partition: number): boolean {
    const h = this.held.get(partition);
    return h !== undefined && h.expiresAt - this.marginMs > this.now();
  }

  heldPartitions(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  /** @internal Test hook for the fencing test: pretend to hold a lease without touching the bucket. */
  __unsafe_forceHold(partition: number, ttlMs = 3_600_000): void {
    this.held.set(partition, { revision: 0, expiresAt: this.now() + ttlMs });
  }
}
