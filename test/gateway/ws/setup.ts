/**
 * @module test/gateway/ws/setup
 * The real stack for queue-stream tests and `bench:queue`: a private nats-server, a throwaway
 * migrated PostgreSQL database, the account service (token check), an in-process actor node
 * serving `productionKinds()` (event, ticketclass, queue), the queue service, and a gateway on
 * a free port serving the queue WebSocket route and `/internal/ws/stats`. `openEvent` makes a
 * published event whose waitroom is open; `complete` ends a checkout (frees a slot).
 */
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { pino } from 'pino';
import { createAccounts } from '../../../accounts/index.js';
import { productionKinds } from '../../../actors/kinds.js';
import { ActorNode } from '../../../actors/runtime/index.js';
import { loadConfig, type Config } from '../../../config/index.js';
import { createActorClient, type ActorClient } from '../../../actors/client/index.js';
import { createDb, migrate, type DbHandle } from '../../../db/index.js';
import { createGateway, type Gateway } from '../../../gateway/index.js';
import {
  createQueueFeed,
  createQueueStream,
  queuePortFrom,
  queueStreamOptionsFrom,
  syncAccessTokenCheck,
  wsStatsRoute,
  type QueueStream,
} from '../../../gateway/ws/index.js';
import { QUEUE_SESSIONS_BUCKET, createQueueService, type QueueService } from '../../../queue/index.js';
import { startNatsServer, type NatsServerHandle } from '../../harness/nats.js';
import { dropDatabase, testDatabaseUrl, throwawayName } from '../../db/throwaway-db.js';
import { mintUsers, type MintedUser } from './users.js';

export const WS_JWT_SECRET = 'ws-test-secret-ws-test-secret-0123456789';

/** The running stack. */
export interface WsStack {
  nats: NatsServerHandle;
  config: Config;
  db: DbHandle;
  gateway: Gateway;
  stream: QueueStream;
  queue: QueueService;
  actors: ActorClient;
  nc: NatsConnection;
  /** `ws://127.0.0.1:<port>` and `http://…` of the gateway. */
  wsUrl: string;
  httpUrl: string;
  users(n: number): Promise<MintedUser[]>;
  /** A published event with an open waitroom of `maxConcurrent` slots. */
  openEvent(eventId: string, maxConcurrent: number): Promise<void>;
  /** End the checkout of `sessionId` (the order flow's `checkout.completed`): frees its slot. */
  complete(eventId: string, sessionId: string): Promise<unknown>;
  stop(): Promise<void>;
}

let seq = 0;

/** Start the stack; `config` overrides (e.g. `wsCursorIntervalMs`). */
export async function startWsStack(config: Partial<Config> = {}): Promise<WsStack> {
  const nats = await startNatsServer();
  const dbName = throwawayName();
  const dbUrl = testDatabaseUrl(dbName);
  await migrate(dbUrl);
  const db = createDb(dbUrl, { max: 8 });
  const log = pino({ level: process.env['TB_TEST_LOG'] ?? 'silent' });
  const cfg = loadConfig(
    {},
    {
      natsUrl: nats.url,
      partitions: 8,
      adminPort: -1,
      heartbeatMs: 250,
      memberTimeoutMs: 3_000,
      leaseTtlMs: 3_000,
      leaseRenewMs: 500,
      logLevel: 'warn',
      jwtSecret: WS_JWT_SECRET,
      rateLimitIpPerSec: 0,
      rateLimitUserPerSec: 0,
      wsUpgradeIpPerSec: 0,
      ...config,
    },
  );
  // The gateway's user cache as configured (accessUserCacheMs), as in production.
  const accounts = createAccounts({
    db: db.db,
    config: { jwtSecret: WS_JWT_SECRET, publicBaseUrl: 'http://127.0.0.1', userCacheMs: cfg.accessUserCacheMs },
    log,
  });
  const nodeNc = await connect({ servers: nats.url, noAsyncTraces: true });
  const node = new ActorNode({ config: cfg, kinds: await productionKinds(), nc: nodeNc, log });
  await node.start();
  const gwNc = await connect({ servers: nats.url, noAsyncTraces: true });
  // Create the sessions bucket up front: `Kvm.open` does not check that a bucket exists.
  const kv = await new Kvm(jetstream(gwNc)).create(QUEUE_SESSIONS_BUCKET, { history: 1 });
  const queue = createQueueService({ nc: gwNc, kv, config: cfg, log });
  let gateway: Gateway | undefined;
  const stream = createQueueStream({
    queue: queuePortFrom(queue),
    checkAccessToken: syncAccessTokenCheck(WS_JWT_SECRET),
    verifyAccessToken: (t) => accounts.verifyAccessToken(t),
    feed: (onEvent) => createQueueFeed(gwNc, onEvent),
    publish: (t, f) => void gateway?.publish(t, f),
    options: queueStreamOptionsFrom(cfg),
    log,
  });
  gateway = createGateway({
    config: cfg,
    log,
    nc: gwNc,
    routes: [wsStatsRoute(() => stream.stats())],
    webSocketRoutes: [stream.route as never],
  });
  const port = await gateway.listen('127.0.0.1', 0);
  const actors = createActorClient(nodeNc, { partitions: cfg.partitions, timeoutMs: 10_000, budgetMs: 30_000 });
  const root = { userId: 'root', platformRoles: ['admin'] };
  const ev = (id: string, verb: string, body: Record<string, unknown>) =>
    actors.request('event', id, verb, { commandId: `ws-${id}-${verb}-${++seq}`, ...body });

  return {
    nats,
    config: cfg,
    db,
    gateway,
    stream,
    queue,
    actors,
    nc: nodeNc,
    wsUrl: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    users: (n) => mintUsers(db, WS_JWT_SECRET, n),
    async openEvent(eventId, maxConcurrent) {
      const now = Date.now();
      const startsAt = now + 30 * 86_400_000;
      await ev(eventId, 'create', { actor: root, name: `Queue ${eventId}`, startsAt, endsAt: startsAt + 3_600_000, categories: ['music'] });
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
    async stop() {
      stream.close();
      await gateway!.close();
      await node.stop().catch(() => undefined);
      await nodeNc.close().catch(() => undefined);
      await db.close();
      await dropDatabase(dbName).catch(() => undefined);
      await nats.stop();
    },
  };
}
