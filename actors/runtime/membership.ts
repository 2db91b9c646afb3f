/**
 * @module actors/runtime/membership
 * Cluster membership: each node puts a heartbeat into the `tb_members` KV bucket every
 * `heartbeatMs`; every node watches the bucket and considers a node live while its last
 * heartbeat is younger than `memberTimeoutMs` (the bucket's max age garbage-collects old
 * entries; per-key TTL is ignored by NATS 2.9, so liveness is computed here, not by the server).
 * A draining node stays visible but is excluded from allocation, so its partitions move away.
 */
import type { KV, KvWatchEntry } from '@nats-io/kv';
import type { QueuedIterator } from '@nats-io/nats-core';
import { decode, encode, Format } from '../../contracts/index.js';

export interface MemberInfo {
  nodeId: string;
  startedAt: number;
  draining: boolean;
  /** Kinds this node serves. */
  kinds: string[];
}

interface Seen extends MemberInfo {
  lastSeen: number;
}

export interface MembershipOptions {
  heartbeatMs: number;
  memberTimeoutMs: number;
  now?: () => number;
  onChange?: (liveNodes: string[]) => void;
  onError?: (err: unknown) => void;
}

export class Membership {
  private readonly seen = new Map<string, Seen>();
  private watcher: QueuedIterator<KvWatchEntry> | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private lastLive = '';
  private draining = false;
  private readonly now: () => number;

  constructor(
    private readonly kv: KV,
    private readonly self: Omit<MemberInfo, 'draining'>,
    private readonly opts: MembershipOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  static key(nodeId: string): string {
    return `n.${nodeId}`;
  }

  /** Start heartbeating and watching. Resolves after the first heartbeat is stored and the initial member set is read. */
  async start(): Promise<void> {
    await this.beat();
    this.watcher = await this.kv.watch({ key: 'n.>' });
    const initialDone = new Promise<void>((resolve) => {
      void (async () => {
        let resolved = false;
        for await (const e of this.watcher!) {
          this.apply(e);
          if (!resolved && e.delta === 0) {
            resolved = true;
            resolve();
          }
        }
        if (!resolved) resolve();
      })();
      // An empty bucket yields no entry with delta 0; the first heartbeat above guarantees one.
    });
    await initialDone;
    this.heartbeatTimer = setInterval(() => void this.beat().catch((e) => this.opts.onError?.(e)), this.opts.heartbeatMs);
    this.sweepTimer = setInterval(() => this.checkChange(), Math.max(100, Math.floor(this.opts.heartbeatMs / 2)));
    this.checkChange();
  }

  private apply(e: KvWatchEntry): void {
    const nodeId = e.key.slice(2);
    if (e.operation !== 'PUT') {
      this.seen.delete(nodeId);
    } else {
      try {
        const info = decode(e.value, Format.Msgpack) as MemberInfo;
        // The server's timestamp, so that an old entry read at start-up is not taken for a fresh
        // heartbeat (nodes and servers share NTP time; the clamp guards against a fast server clock).
        this.seen.set(nodeId, { ...info, lastSeen: Math.min(e.created.getTime(), this.now()) });
      } catch {
        this.seen.delete(nodeId);
      }
    }
    this.checkChange();
  }

  private checkChange(): void {
    const live = this.liveNodes().join(',');
    if (live !== this.lastLive) {
      this.lastLive = live;
      this.opts.onChange?.(this.liveNodes());
    }
  }

  private async beat(): Promise<void> {
    const info: MemberInfo = { ...this.self, draining: this.draining };
    await this.kv.put(Membership.key(this.self.nodeId), encode(info, Format.Msgpack));
  }

  /** Live nodes (heartbeat younger than the timeout), draining ones included, sorted. */
  allLiveNodes(): string[] {
    const cutoff = this.now() - this.opts.memberTimeoutMs;
    return [...this.seen.values()]
      .filter((m) => m.lastSeen >= cutoff)
      .map((m) => m.nodeId)
      .sort();
  }

  /** Live, non-draining nodes: the candidates for owning partitions. This node is always included unless draining. */
  liveNodes(): string[] {
    const cutoff = this.now() - this.opts.memberTimeoutMs;
    const out = new Set([...this.seen.values()].filter((m) => m.lastSeen >= cutoff && !m.draining).map((m) => m.nodeId));
    if (!this.draining) out.add(this.self.nodeId);
    else out.delete(this.self.nodeId);
    return [...out].sort();
  }

  /** How long `nodeId` has been continuously known (ms), for settling before a hand-off. */
  knownFor(nodeId: string): number {
    const m = this.seen.get(nodeId);
    return m ? this.now() - m.startedAt : 0;
  }

  isLive(nodeId: string): boolean {
    return this.allLiveNodes().includes(nodeId);
  }

  /** Announce that this node is leaving: others stop allocating to it. */
  async drain(): Promise<void> {
    this.draining = true;
    await this.beat();
    this.checkChange();
  }

  /** Stop heartbeating and remove this node's entry (a clean leave). */
  async stop(removeEntry = true): Promise<void> {
    clearInterval(this.heartbeatTimer);
    clearInterval(this.sweepTimer);
    this.watcher?.stop();
    if (removeEntry) await this.kv.delete(Membership.key(this.self.nodeId)).catch(() => undefined);
  }
}
