/**
 * @module actors/runtime/infra
 * The JetStream resources the runtime needs, created idempotently by every node at start:
 * KV buckets `tb_members`, `tb_leases`, `tb_state`, `tb_timers`, and the streams `TB_EVENTS`
 * (domain events, `tb.evt.>`), `TB_REPLIES` (the reply log) and `TB_JOURNAL` (the journals of
 * kinds that persist by batch, `tbj.>`). Start-up retries while a
 * cluster elects its leaders (those calls fail with "no responders" or time out).
 */
import {
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  DiscardPolicy,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { EVENTS_ROOT, EVENTS_STREAM } from '../../contracts/index.js';
import { retry } from '../../platform/index.js';
import { REPLIES_ROOT, REPLIES_STREAM } from './reply-log.js';
import { JOURNAL_ROOT, JOURNAL_STREAM } from './journal.js';

export interface RuntimeInfra {
  js: JetStreamClient;
  jsm: JetStreamManager;
  members: KV;
  leases: KV;
  state: KV;
  timers: KV;
}

export interface InfraOptions {
  replicas: number;
  memberTimeoutMs: number;
  dedupeWindowMs: number;
  /** How long to keep trying while the cluster is electing leaders. */
  retryForMs?: number;
}

const ms = (n: number) => n * 1_000_000; // nanoseconds

export async function retrying<T>(what: string, fn: () => Promise<T>, forMs: number): Promise<T> {
  const deadline = Date.now() + forMs;
  try {
    return await retry(fn, { attempts: Infinity, firstDelayMs: 100, maxDelayMs: 2_000, retryIf: () => Date.now() <= deadline });
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message}`, { cause: err });
  }
}

/** Create (or open) every bucket and stream. Safe to call from many nodes at once. */
export async function ensureInfra(nc: NatsConnection, o: InfraOptions): Promise<RuntimeInfra> {
  const forMs = o.retryForMs ?? 60_000;
  const js = jetstream(nc, { timeout: 10_000 });
  const jsm = await retrying('jetstream', () => jetstreamManager(nc, { timeout: 10_000 }), forMs);
  const kvm = new Kvm(js);
  // allow_direct: false makes get() ask the stream leader (STREAM.MSG.GET). A direct get is
  // answered by any replica, and on R3 a follower that has not applied the last write answers
  // the old value: a new owner would load stale state and could answer a query from it.
  const bucket = (name: string, extra: Record<string, unknown> = {}) =>
    retrying(
      `kv ${name}`,
      () => kvm.create(name, { history: 1, replicas: o.replicas, storage: StorageType.File, allow_direct: false, ...extra }),
      forMs,
    );
  const members = await bucket('tb_members', { ttl: Math.max(60_000, o.memberTimeoutMs * 10) });
  const leases = await bucket('tb_leases');
  const state = await bucket('tb_state', { maxValueSize: 1024 * 1024 });
  const timers = await bucket('tb_timers');
  // The server keeps every message id of the window in memory: 2 minutes (its default) bounds
  // that; beyond it, consumers' own idempotency takes over (runtime rule 4: effects after commit, at least once).
  const dupWindow = Math.min(o.dedupeWindowMs, 120_000);
  await ensureStream(
    jsm,
    {
      name: EVENTS_STREAM,
      subjects: [`${EVENTS_ROOT}.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      num_replicas: o.replicas,
      duplicate_window: ms(dupWindow),
      max_age: 0,
      discard: DiscardPolicy.Old,
    },
    forMs,
  );
  await ensureStream(
    jsm,
    {
      name: REPLIES_STREAM,
      subjects: [`${REPLIES_ROOT}.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      num_replicas: o.replicas,
      duplicate_window: ms(dupWindow),
      max_age: ms(o.dedupeWindowMs),
      discard: DiscardPolicy.Old,
    },
    forMs,
  );
  // Records stay until a snapshot covers them (the activation purges them then): no age limit.
  // allow_direct: false for the reason the state bucket has it (a load reads from the leader).
  await ensureStream(
    jsm,
    {
      name: JOURNAL_STREAM,
      subjects: [`${JOURNAL_ROOT}.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      num_replicas: o.replicas,
      allow_direct: false,
      max_age: 0,
      max_msg_size: 1024 * 1024,
      discard: DiscardPolicy.Old,
    },
    forMs,
  );
  return { js, jsm, members, leases, state, timers };
}

async function ensureStream(jsm: JetStreamManager, cfg: Record<string, unknown> & { name: string }, forMs: number): Promise<void> {
  await retrying(
    `stream ${cfg.name}`,
    async () => {
      try {
        await jsm.streams.info(cfg.name);
      } catch {
        await jsm.streams.add(cfg as never);
      }
    },
    forMs,
  );
}
