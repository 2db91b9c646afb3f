/**
 * @module actors/runtime/node
 * An actor node: joins the membership, takes the partition leases rendezvous hashing gives it,
 * serves those partitions' actors, hands partitions off when a node joins or when it leaves,
 * takes over partitions of dead nodes, passivates idle actors, and registers with
 * `@nats-io/services` so `nats micro ls|info|stats` show it. The partition loop runs every
 * `leaseRenewMs` and on every membership change; it is the only code that starts or stops a
 * partition, so those transitions never race each other.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { Svcm, type Service } from '@nats-io/services';
import { CommandStats, type EndpointStatsTarget } from './command-stats.js';
import { pino, type Logger } from 'pino';
import { ACTOR_QUEUE_GROUP, Format, directPartitionWildcard, publicKindWildcard, NotOwnerError } from '../../contracts/index.js';
import type { Config } from '../../config/index.js';
import type { ActorKind, RuntimeNotification } from './types.js';
import { ensureInfra, type RuntimeInfra } from './infra.js';
import { Membership } from './membership.js';
import { PartitionLeases } from './lease.js';
import { ownerOf } from './allocation.js';
import { StateStore } from './store.js';
import { JournalStore } from './journal.js';
import { OutboxPublisher } from './outbox.js';
import { ReplyLog } from './reply-log.js';
import { DurableTimers } from './timers.js';
import { Activation } from './activation.js';
import { Router } from './router.js';
import { createNodeMetrics, type NodeMetrics } from './metrics.js';
import { recentlyWrittenKeys } from './recent-writes.js';
import { startNodeHttp } from './node-http.js';
import { sleep } from '../../platform/index.js';
import { partitionOf } from '../../contracts/index.js';

export interface ActorNodeOptions {
  config: Config;
  kinds: ActorKind[];
  /** The connection the node serves on (required); `stop` does not close it, its owner does. */
  nc: NatsConnection;
  nodeId?: string;
  log?: Logger;
  onNotification?: (n: RuntimeNotification) => void;
  /** Serve /healthz /readyz /metrics (default true; off when the port is -1). */
  http?: boolean;
  /** Admin listener port (default `config.adminPort`, else 0 = any free port; -1 = off). The process entry passes the fixed one. */
  adminPort?: number;
  /** @internal Fault injection for tests: called after each successful state write, before replies and effects. */
  afterCommit?: (key: string, seq: number) => void;
}

type PartitionState = { status: 'starting' } | { status: 'owned'; sub: Subscription } | { status: 'stopping' };

const VERSION = '0.1.0';

/** How often the node checks its own event loop for stalls (ms). */
const STALL_PROBE_MS = 250;

export class ActorNode {
  readonly nodeId: string;
  readonly log: Logger;
  readonly metrics: NodeMetrics;
  private readonly kinds = new Map<string, ActorKind>();
  private readonly partitions = new Map<number, PartitionState>();
  private readonly activations = new Map<string, Activation>();
  private infra!: RuntimeInfra;
  private membership!: Membership;
  private leases!: PartitionLeases;
  private store!: StateStore;
  private journal!: JournalStore;
  private outbox!: OutboxPublisher;
  private replyLog!: ReplyLog;
  private timers!: DurableTimers;
  private router!: Router;
  private service: Service | undefined;
  private readonly commandStats = new CommandStats();
  private loopTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private ticking = false;
  private tickAgain = false;
  private stopping = false;
  private http: { port: number; url: string; close(): Promise<void> } | undefined;
  private readonly cfg: Config;

  constructor(private readonly opts: ActorNodeOptions) {
    this.cfg = opts.config;
    this.nodeId =
      opts.nodeId || opts.config.nodeId || `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`.replace(/[^A-Za-z0-9_-]/g, '-');
    this.log = (opts.log ?? pino({ level: opts.config.logLevel })).child({ node: this.nodeId });
    this.metrics = createNodeMetrics(this.nodeId);
    for (const k of opts.kinds) this.kinds.set(k.kind, k);
  }

  get httpPort(): number | undefined {
    return this.http?.port;
  }

  /** `http://host:port` of the admin listener, when it serves one. */
  get adminUrl(): string | undefined {
    return this.http?.url;
  }

  /** Partition changes not yet logged: summarised in one line, not one line per partition. */
  private partitionLog: { acquired: number[]; released: number[] } = { acquired: [], released: [] };

  /** Log the partition changes of the tick that just ended as one line. */
  private logPartitionChanges(): void {
    const { acquired, released } = this.partitionLog;
    if (acquired.length === 0 && released.length === 0) return;
    this.partitionLog = { acquired: [], released: [] };
    this.log.info(
      { acquired: acquired.sort((x, y) => x - y), released: released.sort((x, y) => x - y), owned: this.ownedPartitions().length },
      'partitions changed',
    );
  }

  private notify(n: RuntimeNotification): void {
    this.opts.onNotification?.(n);
    if (n.type === 'partition_acquired' || n.type === 'partition_released') {
      this.log.debug({ notification: n }, n.type);
      (n.type === 'partition_acquired' ? this.partitionLog.acquired : this.partitionLog.released).push(n.partition);
      return;
    }
    this.log.info({ notification: n }, n.type);
  }

  /** Start: infrastructure, membership, services, partition loop. Resolves when the node is serving. */
  async start(): Promise<void> {
    const c = this.cfg;
    this.infra = await ensureInfra(this.opts.nc, {
      replicas: c.kvReplicas,
      memberTimeoutMs: c.memberTimeoutMs,
      dedupeWindowMs: c.dedupeWindowMs,
    });
    const partitionOfKey = (key: string) => {
      const dot = key.indexOf('.');
      return partitionOf(key.slice(0, dot), key.slice(dot + 1), c.partitions);
    };
    this.store = new StateStore(this.infra.state, partitionOfKey);
    this.journal = new JournalStore(this.infra.js, this.infra.jsm, partitionOfKey);
    this.outbox = new OutboxPublisher(this.infra.js, this.opts.config.eventsFormat === 'json' ? Format.Json : Format.Msgpack);
    this.replyLog = new ReplyLog(this.infra.js, c.dedupeWindowMs);
    this.leases = new PartitionLeases(this.infra.leases, this.nodeId, { ttlMs: c.leaseTtlMs });
    this.timers = new DurableTimers(this.infra.timers, (partition, actorKey) => this.onTimerDue(partition, actorKey));
    this.router = new Router({
      nc: this.opts.nc,
      kinds: this.kinds,
      partitions: c.partitions,
      maxCommandBytes: c.maxCommandBytes,
      owns: (p) => this.owns(p),
      activation: (kind, id, p) => this.activationFor(kind, id, p),
      log: this.log,
      onCommand: (kind, verb, outcome, ms) => {
        this.metrics.commands.inc({ kind, verb, outcome });
        // Refused before it reached a kind's verb ('?'): counted, not timed.
        if (verb !== '?') this.metrics.commandSeconds.observe({ kind, verb }, ms / 1_000);
        this.commandStats.record(kind, outcome, ms);
      },
    });
    this.membership = new Membership(
      this.infra.members,
      { nodeId: this.nodeId, startedAt: Date.now(), kinds: [...this.kinds.keys()] },
      {
        heartbeatMs: c.heartbeatMs,
        memberTimeoutMs: c.memberTimeoutMs,
        onChange: (nodes) => {
          this.metrics.liveNodes.set(nodes.length);
          this.notify({ type: 'membership_changed', nodes });
          this.kick();
        },
        onError: (err) => this.log.warn({ err }, 'heartbeat failed'),
      },
    );
    await this.membership.start();
    await this.registerService();
    this.loopTimer = setInterval(() => this.kick(), c.leaseRenewMs);
    this.sweepTimer = setInterval(() => this.passivate(), Math.max(1_000, Math.min(10_000, c.passivateAfterMs / 4)));
    this.sweepTimer.unref?.();
    // A stalled event loop is why leases expire on a live node: say so, with how long it stalled.
    let tickAt = Date.now();
    this.stallTimer = setInterval(() => {
      const late = Date.now() - tickAt - STALL_PROBE_MS;
      tickAt = Date.now();
      if (late >= c.leaseRenewMs) this.log.warn({ stalledMs: late, leaseTtlMs: c.leaseTtlMs }, 'event loop stalled');
    }, STALL_PROBE_MS);
    this.stallTimer.unref?.();
    const adminPort = this.opts.adminPort ?? c.adminPort ?? 0;
    if ((this.opts.http ?? true) && adminPort >= 0) {
      this.http = await startNodeHttp(adminPort, c.adminHost, {
        registry: this.metrics.registry,
        ready: () => ({
          ready: !this.stopping && !this.opts.nc.isClosed(),
          detail: { node: this.nodeId, partitions: this.ownedPartitions().length },
        }),
      });
    }
    this.kick();
    this.log.info({ kinds: [...this.kinds.keys()], partitions: c.partitions, admin: this.http?.url }, 'actor node started');
  }

  private async registerService(): Promise<void> {
    this.service = await new Svcm(this.opts.nc).add({
      name: 'tb-actors',
      version: VERSION,
      description: 'TicketBottle actor node: tb.<kind>.<id>.<verb>',
      metadata: { node: this.nodeId },
      queue: ACTOR_QUEUE_GROUP,
      // Every command this node answered, tb.* and tbp.*, with its errors (see command-stats.ts).
      statsHandler: async (endpoint) => {
        this.commandStats.fill(endpoint as unknown as EndpointStatsTarget);
        return { node: this.nodeId, partitions: this.ownedPartitions(), activations: this.activations.size };
      },
    });
    for (const kind of this.kinds.values()) {
      this.service.addEndpoint(kind.kind, {
        subject: publicKindWildcard(kind.kind),
        metadata: { verbs: Object.keys(kind.handlers).sort().join(',') },
        handler: (err, msg) => {
          if (err) return void this.log.warn({ err }, 'service endpoint error');
          this.router.handle(msg, false);
        },
      });
    }
  }

  /** Owned partitions (serving), sorted. */
  ownedPartitions(): number[] {
    return [...this.partitions]
      .filter(([, s]) => s.status === 'owned')
      .map(([p]) => p)
      .sort((a, b) => a - b);
  }

  owns(partition: number): boolean {
    return this.partitions.get(partition)?.status === 'owned' && this.leases.isValid(partition);
  }

  get activationCount(): number {
    return this.activations.size;
  }

  /** The committed contexts of kind `kind`'s actors in memory on this node (for scrape-time gauges). */
  *contextsOf(kind: string): Iterable<{ id: string; context: unknown }> {
    const prefix = `${kind}.`;
    for (const [key, a] of this.activations) {
      if (!key.startsWith(prefix)) continue;
      const context = a.committedContext;
      if (context !== undefined) yield { id: key.slice(prefix.length), context };
    }
  }

  /** Run the partition loop now (coalesced: at most one runs, and one more is queued). */
  private kick(): void {
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = true;
    void this.tick()
      .catch((err) => this.log.warn({ err }, 'partition loop failed'))
      .finally(() => {
        this.logPartitionChanges();
        this.ticking = false;
        if (this.tickAgain && !this.stopping) {
          this.tickAgain = false;
          this.kick();
        }
      });
  }

  private async tick(): Promise<void> {
    if (this.stopping) return;
    const live = this.membership.liveNodes();
    const work: Promise<unknown>[] = [];
    for (let p = 0; p < this.cfg.partitions; p++) {
      const state = this.partitions.get(p);
      const desired = ownerOf(p, live);
      if (state?.status === 'owned') {
        if (!this.leases.isValid(p)) {
          work.push(this.stopPartition(p, 'lease expired before renewal'));
        } else if (desired !== this.nodeId && desired !== undefined && this.membership.knownFor(desired) >= this.cfg.heartbeatMs) {
          work.push(this.handOff(p));
        } else {
          work.push(this.leases.renew(p).then((r) => (r === 'lost' ? this.stopPartition(p, 'lease taken by another node') : undefined)));
        }
      } else if (!state && desired === this.nodeId) {
        work.push(this.acquire(p));
      }
    }
    const before = new Set(this.ownedPartitions());
    await Promise.all(work);
    const gained = this.ownedPartitions().filter((p) => !before.has(p));
    // Not awaited: the partitions already serve; the scan only wakes actors in the background.
    if (gained.length > 0) void this.wakeRecentlyWritten(gained);
    this.metrics.partitions.set(this.ownedPartitions().length);
  }

  /**
   * After taking partitions over, wake every actor of theirs written shortly before: one of them
   * may hold effects its previous owner committed but never published (runtime rule 4: effects after commit, at least once).
   */
  private async wakeRecentlyWritten(partitions: number[]): Promise<void> {
    const wanted = new Set(partitions);
    const since = Date.now() - this.cfg.leaseTtlMs - this.cfg.memberTimeoutMs - 10_000;
    try {
      const keys = await recentlyWrittenKeys(this.infra.js, since);
      let woken = 0;
      for (const key of keys) {
        const dot = key.indexOf('.');
        const kind = this.kinds.get(key.slice(0, dot));
        if (!kind) continue;
        const id = key.slice(dot + 1);
        const p = partitionOf(kind.kind, id, this.cfg.partitions);
        if (!wanted.has(p) || !this.owns(p)) continue;
        this.activationFor(kind, id, p).enqueue({ t: 'timer' });
        woken++;
      }
      if (woken > 0) this.log.info({ partitions: partitions.length, woken }, 'woke recently written actors after takeover');
    } catch (err) {
      this.log.warn({ err }, 'could not scan recent writes after takeover');
    }
  }

  private async acquire(p: number): Promise<void> {
    this.partitions.set(p, { status: 'starting' });
    try {
      if (!(await this.leases.tryAcquire(p))) return void this.partitions.delete(p);
      // Re-arm durable timers before serving (runtime rule 5: the durable deadline is the truth), then open the partition's subject.
      const timers = await this.timers.loadPartition(p);
      const sub = this.opts.nc.subscribe(directPartitionWildcard(p), {
        callback: (err, msg) => (err ? undefined : this.router.handle(msg, true)),
      });
      this.partitions.set(p, { status: 'owned', sub });
      this.notify({ type: 'partition_acquired', partition: p });
      if (timers > 0) this.log.debug({ partition: p, timers }, 'timers re-armed');
    } catch (err) {
      this.partitions.delete(p);
      this.leases.drop(p);
      this.log.warn({ err, partition: p }, 'acquire failed');
    }
  }

  /** Lease lost or expired: stop serving at once; in-flight writes are fenced anyway (rule 3). */
  private async stopPartition(p: number, reason: string): Promise<void> {
    const s = this.partitions.get(p);
    if (s?.status === 'owned') s.sub.unsubscribe();
    this.partitions.delete(p);
    this.leases.drop(p);
    this.timers.clearPartition(p);
    for (const a of [...this.activations.values()]) if (a.partition === p) a.drop(reason);
    this.metrics.leaseLost.inc();
    this.notify({ type: 'lease_lost', partition: p, reason });
  }

  /** Clean hand-off: stop taking requests, let running batches finish, then release the lease. */
  private async handOff(p: number): Promise<void> {
    const s = this.partitions.get(p);
    if (s?.status !== 'owned') return;
    this.partitions.set(p, { status: 'stopping' });
    await s.sub.drain().catch(() => s.sub.unsubscribe());
    const mine = [...this.activations.values()].filter((a) => a.partition === p);
    const deadline = Date.now() + 5_000;
    while (mine.some((a) => !a.quiescent && !a.isDropped) && Date.now() < deadline) await sleep(20);
    for (const a of mine) a.drop('handed off', new NotOwnerError(p));
    this.timers.clearPartition(p);
    await this.leases.release(p);
    this.partitions.delete(p);
    this.notify({ type: 'partition_released', partition: p });
  }

  private activationFor(kind: ActorKind, id: string, partition: number): Activation {
    const key = `${kind.kind}.${id}`;
    let a = this.activations.get(key);
    if (a && !a.isDropped) return a;
    a = new Activation({
      kind,
      id,
      key,
      partition,
      store: this.store,
      journal: this.journal,
      leaseValid: (p) => this.owns(p),
      outbox: this.outbox,
      replyLog: this.replyLog,
      timers: this.timers,
      dedupeWindowMs: this.cfg.dedupeWindowMs,
      lingerMs: this.cfg.actorLingerMs,
      flushDelayMs: this.cfg.actorFlushMs,
      log: this.log,
      onDropped: (act, reason) => {
        if (this.activations.get(act.key) === act) this.activations.delete(act.key);
        this.log.debug({ actor: act.key, reason }, 'activation dropped');
      },
      onConflict: (k, p) => {
        this.metrics.conflicts.inc();
        this.notify({ type: 'write_conflict', key: k, partition: p });
      },
      afterCommit: this.opts.afterCommit,
      onBatch: (size, wrote) => {
        this.metrics.batchSize.observe(size);
        if (wrote) this.metrics.writes.inc({ result: 'ok' });
      },
    });
    this.activations.set(key, a);
    this.metrics.activations.set(this.activations.size);
    return a;
  }

  private onTimerDue(partition: number, actorKey: string): void {
    if (!this.owns(partition)) return;
    const dot = actorKey.indexOf('.');
    const kind = this.kinds.get(actorKey.slice(0, dot));
    if (!kind) return;
    this.activationFor(kind, actorKey.slice(dot + 1), partition).enqueue({ t: 'timer' });
  }

  /** Drop idle actors from memory (state is already persisted: passivation is best effort, rule 6). */
  private passivate(): void {
    const now = Date.now();
    const idle = [...this.activations.values()].filter((a) => a.idle);
    const over = this.activations.size - this.cfg.maxActivations;
    idle.sort((a, b) => a.lastUsed - b.lastUsed);
    idle.forEach((a, i) => {
      if (i < over || now - a.lastUsed > this.cfg.passivateAfterMs) {
        this.activations.delete(a.key);
        a.drop('passivated');
      }
    });
    this.metrics.activations.set(this.activations.size);
  }

  /**
   * Graceful shutdown: announce draining so others take over, hand every partition off
   * (finishing running batches and releasing leases), leave the membership. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.loopTimer);
    clearInterval(this.sweepTimer);
    clearInterval(this.stallTimer);
    while (this.ticking) await sleep(10);
    await this.membership.drain().catch(() => undefined);
    await this.service?.stop().catch(() => undefined);
    await Promise.all(this.ownedPartitions().map((p) => this.handOff(p)));
    await this.membership.stop(true);
    await this.http?.close();
    this.log.info('actor node stopped');
  }

  /** @internal Test hook (fencing test): serve `partition` without a lease, as a confused node would. */
  __unsafe_forceOwn(partition: number): void {
    this.leases.__unsafe_forceHold(partition);
    const sub = this.opts.nc.subscribe(`__forced.${this.nodeId}.${partition}`);
    this.partitions.set(partition, { status: 'owned', sub });
  }

  /** @internal Test hook: enqueue a command straight into an activation (bypassing the router). */
  __unsafe_activation(kind: string, id: string): Activation {
    return this.activationFor(this.kinds.get(kind)!, id, partitionOf(kind, id, this.cfg.partitions));
  }
}
