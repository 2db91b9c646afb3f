/**
 * @module bench/queue-stack
 * The processes `bench:queue` measures, all on 127.0.0.1 and all started here: a private
 * nats-server, a throwaway PostgreSQL database, one actor node process (production kinds) and
 * ONE gateway process (`gateway/main.ts`, the production entry point) with rate limits off, started
 * by the composition root (`app/stack.ts`).
 * Everything is stopped by `stop()` (and killed if the bench dies: see test/harness).
 */
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { loadConfig, type Config } from '../config/index.js';
import { createActorClient, type ActorClient } from '../actors/client/index.js';
import { createDb, migrate, type DbHandle } from '../db/index.js';
import type { WsStatsBody } from '../gateway/ws/index.js';
import { QUEUE_SESSIONS_BUCKET, createQueueService, type QueueService } from '../queue/index.js';
import { dropDatabase, testDatabaseUrl, throwawayName } from '../test/db/throwaway-db.js';
import { freePorts, startNatsServer, type NatsServerHandle } from '../test/harness/nats.js';
import type { ChildHandle } from '../app/process.js';
import { startProcessStack } from '../app/stack.js';

export const BENCH_JWT_SECRET = 'bench-queue-secret-bench-queue-secret-0123';

/** The running stack. */
export interface QueueBenchStack {
  nats: NatsServerHandle;
  db: DbHandle;
  dbUrl: string;
  nc: NatsConnection;
  actors: ActorClient;
  queue: QueueService;
  gateway: ChildHandle;
  httpUrl: string;
  wsUrl: string;
  /** Environment of the spawned processes (workers reuse it). */
  env: Record<string, string>;
  openEvent(eventId: string, maxConcurrent: number): Promise<void>;
  complete(eventId: string, sessionId: string): Promise<unknown>;
  gatewayStats(): Promise<WsStatsBody>;
  stop(): Promise<void>;
}

let seq = 0;

/** Start everything; `progress` gets one line per step. */
export async function startQueueBenchStack(progress: (m: string) => void, extraEnv: Record<string, string> = {}): Promise<QueueBenchStack> {
  progress('starting nats-server and a throwaway database');
  const nats = await startNatsServer();
  const dbName = throwawayName();
  const dbUrl = testDatabaseUrl(dbName);
  await migrate(dbUrl);
  const db = createDb(dbUrl, { max: 8 });
  const [httpPort, adminPort] = await freePorts(2);
  const env: Record<string, string> = {
    TB_NATS_URL: nats.url,
    TB_DATABASE_URL: dbUrl,
    TB_PARTITIONS: '16',
    TB_LOG_LEVEL: 'warn',
    TB_JWT_SECRET: BENCH_JWT_SECRET,
    TB_HTTP_HOST: '127.0.0.1',
    TB_HTTP_PORT: String(httpPort),
    TB_ADMIN_PORT: String(adminPort),
    TB_RATE_LIMIT_IP_PER_SEC: '0',
    TB_RATE_LIMIT_USER_PER_SEC: '0',
    TB_RATE_LIMIT_AUTH_IP_PER_MIN: '0',
    TB_WS_UPGRADE_IP_PER_SEC: '0',
    ...extraEnv,
  };
  const config: Config = loadConfig(env);
  const nc = await connect({ servers: nats.url, noAsyncTraces: true, name: 'bench-queue' });
  // The sessions bucket exists before anyone opens it (`Kvm.open` does not check existence on 2.9).
  const kv = await new Kvm(jetstream(nc)).create(QUEUE_SESSIONS_BUCKET, { history: 1 });
  progress('starting the actor node and the gateway processes');
  // The production processes, from the composition root: one actor node, one gateway, no workers.
  const stack = await startProcessStack({
    env: { ...env, TB_LOG_LEVEL: 'info' },
    actorNodes: 1,
    workers: [],
    label: 'bench-queue-',
    readyTimeoutMs: 60_000,
  });
  const gateway = stack.procs.get('gateway')!;
  const actors = createActorClient(nc, { partitions: config.partitions, timeoutMs: 10_000, budgetMs: 30_000 });
  const queue = createQueueService({ nc, kv, config, log: pino({ level: 'silent' }) });
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const root = { userId: 'root', platformRoles: ['admin'] };
  const ev = (id: string, verb: string, body: Record<string, unknown>) =>
    actors.request('event', id, verb, { commandId: `bq-${id}-${verb}-${++seq}`, ...body });
  // Wait until the node serves every partition (first requests may meet "retry").
  for (let i = 0; i < 100; i++) {
    const ok = await actors.request('event', `warm${i % 16}`, 'get', { commandId: `w${i}`, viewer: root }).then(
      () => true,
      (err: { code?: string }) => err.code === 'COMMAND_NOT_FOUND',
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    nats,
    db,
    dbUrl,
    nc,
    actors,
    queue,
    gateway,
    httpUrl,
    wsUrl: httpUrl.replace('http', 'ws'),
    env,
    async openEvent(eventId, maxConcurrent) {
      const now = Date.now();
      const startsAt = now + 30 * 86_400_000;
      await ev(eventId, 'create', { actor: root, name: `Bench ${eventId}`, startsAt, endsAt: startsAt + 3_600_000, categories: ['music'] });
      await ev(eventId, 'configure', {
        actor: root,
        isPublic: true,
        allowWaitRoom: true,
        maxConcurrent,
        ticketSaleStartDate: now - 60_000,
        ticketSaleEndDate: startsAt,
      });
      await ev(eventId, 'approve', { actor: root });
      await ev(eventId, 'publish', { actor: root });
      await queue.ensureQueue(eventId);
    },
    complete: (eventId, sessionId) =>
      actors.request('queue', eventId, 'complete', { commandId: `done-${sessionId}`, sessionId, outcome: 'completed' }),
    async gatewayStats() {
      const res = await fetch(`http://127.0.0.1:${adminPort}/internal/ws/stats`); // the private admin listener
      return (await res.json()) as WsStatsBody;
    },
    async stop() {
      await stack.stop();
      await nc.close().catch(() => undefined);
      await db.close();
      await dropDatabase(dbName).catch(() => undefined);
      await nats.stop();
    },
  };
}
