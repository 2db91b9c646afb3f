/**
 * @module test/e2e/stack
 * The REAL TicketBottle stack for end-to-end checkout tests and `bench:checkout`, started the way
 * `npm start` starts it (ops/start.ts): a private nats-server, a throwaway migrated PostgreSQL
 * database, and every production entry point as its own child process — N actor nodes
 * (`actors/node-main.ts`), one or more gateways (`gateway/main.ts`), the payment outbox relay,
 * the payment-events consumer, the order-history projector, the saga worker and the stock
 * watcher. Only `test/harness` spawns them, so every child dies with the test process.
 * Invariant: nothing here reaches into a process; tests talk to it over HTTP, WebSocket, NATS
 * (read-only checks) and SQL (read-only checks, plus granting a platform role).
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { createDb, migrate, type DbHandle } from '../../db/index.js';
import { dropDatabase, testDatabaseUrl, throwawayName } from '../db/throwaway-db.js';
import { freePorts, startNatsServer, type NatsClusterHandle, type NatsServerHandle, type NatsUser } from '../harness/nats.js';
import { splitNatsUrl } from '../../config/index.js';
import { spawnTs, type ChildHandle } from '../harness/processes.js';
import { fastEnv, withTuning } from '../runtime/helpers.js';

export const E2E_JWT_SECRET = 'e2e-checkout-jwt-secret-e2e-checkout-0123';
export const E2E_SANDBOX_SECRET = 'e2e-sandbox-payment-secret-0123456789';

/** One extra gateway (e.g. a short payment deadline), served on its own port. */
export interface GatewaySpec { name: string; env?: Record<string, string> }

/** What to start. */
export interface StackOptions {
  /** Actor node processes (default 2). */
  nodes?: number;
  /** Gateways besides `gateway` (the default one). */
  extraGateways?: GatewaySpec[];
  /** Environment for every process (over the defaults). */
  env?: Record<string, string>;
  /** Environment per service name (`payment-relay`, `gateway`, `node-0`, …). */
  envFor?: Record<string, Record<string, string>>;
  progress?: (m: string) => void;
  /**
   * Run on this cluster (the shipped nats.conf, with its users) instead of a private server:
   * every service connects as its own nats.conf user, the observer as the read-only `operator`.
   * The caller stops the cluster.
   */
  natsCluster?: NatsClusterHandle;
}

/** A running stack. */
export interface E2EStack {
  nats: NatsServerHandle;
  dbUrl: string;
  db: DbHandle;
  /** A NATS connection for read-only checks (stream contents, event timing). */
  nc: NatsConnection;
  /** `http://127.0.0.1:<port>` of each gateway, by name (`gateway` is the default one). */
  urls: Record<string, string>;
  url: string;
  env: Record<string, string>;
  procs: Map<string, ChildHandle>;
  /** Start (or start again) service `name`; resolves when it says it is ready. */
  start(name: string, extraEnv?: Record<string, string>): Promise<ChildHandle>;
  stop(): Promise<void>;
}

/** Entry file and the log line that means "ready", per service kind. */
const SERVICES: Record<string, { file: string; ready: RegExp }> = {
  node: { file: 'actors/node-main.ts', ready: /actor node started/ },
  gateway: { file: 'gateway/main.ts', ready: /gateway listening/ },
  'payment-relay': { file: 'payments/relay-main.ts', ready: /payment-relay ready/ },
  'payment-events': { file: 'orders/payment-events-main.ts', ready: /payment-events ready/ },
  'order-history': { file: 'orders/history-main.ts', ready: /order-history ready/ },
  'order-saga': { file: 'orders/worker-main.ts', ready: /order-saga ready/ },
  'stock-watcher': { file: 'queue/watcher-main.ts', ready: /stock-watcher ready/ },
  tickets: { file: 'tickets/main.ts', ready: /tickets ready/ },
};
/** The nats.conf user each service kind connects as (on a `natsCluster`). */
const NATS_USER_OF: Record<string, NatsUser> = {
  node: 'actor', gateway: 'gateway', 'payment-relay': 'relay', 'payment-events': 'payments', 'order-history': 'history', 'order-saga': 'saga', 'stock-watcher': 'watcher', tickets: 'tickets',
};
const kindOf = (name: string) => (name.startsWith('node-') ? 'node' : name.startsWith('gateway') ? 'gateway' : name);

/** Start everything; resolves when every process is ready. */
export async function startE2EStack(o: StackOptions = {}): Promise<E2EStack> {
  const progress = o.progress ?? (() => undefined);
  progress('e2e stack: nats-server and a throwaway database');
  const cluster = o.natsCluster;
  const nats = cluster ? cluster.servers[0]! : await startNatsServer();
  const dbName = throwawayName();
  const dbUrl = testDatabaseUrl(dbName);
  await migrate(dbUrl);
  const db = createDb(dbUrl, { max: 4 });
  const gateways: GatewaySpec[] = [{ name: 'gateway' }, ...(o.extraGateways ?? [])];
  const ports = await freePorts(gateways.length);
  const urls = Object.fromEntries(gateways.map((g, i) => [g.name, `http://127.0.0.1:${ports[i]}`]));
  const env: Record<string, string> = {
    ...fastEnv(cluster ? cluster.servers.map((x) => x.url).join(',') : nats.url), TB_DATABASE_URL: dbUrl, TB_JWT_SECRET: E2E_JWT_SECRET, TB_SANDBOX_PAYMENT_SECRET: E2E_SANDBOX_SECRET,
    TB_CHECKOUT_SECRET: 'e2e-checkout-token-secret-0123456789', TB_QUEUE_SEED_SECRET: 'e2e-queue-seed-secret-0123456789',
    TB_HTTP_HOST: '127.0.0.1', TB_RATE_LIMIT_IP_PER_SEC: '0', TB_RATE_LIMIT_USER_PER_SEC: '0', TB_RATE_LIMIT_AUTH_IP_PER_MIN: '0',
    TB_WS_UPGRADE_IP_PER_SEC: '0',
    // Every process on any free admin port: several stacks (and other tests) run at once on one host.
    TB_ADMIN_PORT: '0', TB_LOG_LEVEL: 'info', ...o.env,
  };
  Object.assign(env, withTuning(env, { orderSagaGraceMs: 1000, paymentRelayPollMs: 200, paymentEventsRetryDelayMs: 200, orderHistoryRetryDelayMs: 200 }));
  const procs = new Map<string, ChildHandle>();
  const envOf = (name: string): Record<string, string> => {
    const g = gateways.findIndex((x) => x.name === name);
    const own: Record<string, string> = g >= 0 ? { TB_HTTP_PORT: String(ports[g]), TB_PUBLIC_BASE_URL: urls[name]!, ...gateways[g]!.env } : {};
    const node: Record<string, string> = name.startsWith('node-') ? { TB_NODE_ID: name } : {};
    const user = cluster ? NATS_USER_OF[kindOf(name)] : undefined;
    const auth: Record<string, string> = user && cluster ? { TB_NATS_USER: user, TB_NATS_PASSWORD: cluster.passwords[user] } : {};
    // TB_TUNING is JSON: a process's own overrides are merged into the stack's, not put in its place.
    const layers = [env, own, node, auth, o.envFor?.[name] ?? {}];
    const tuning = Object.assign({}, ...layers.map((l) => (l.TB_TUNING ? JSON.parse(l.TB_TUNING) as object : {})));
    return { ...Object.assign({}, ...layers), TB_TUNING: JSON.stringify(tuning) };
  };
  const start = async (name: string, extraEnv: Record<string, string> = {}) => {
    const svc = SERVICES[kindOf(name)];
    if (!svc) throw new Error(`unknown service ${name}`);
    const child = spawnTs(svc.file, { name: `e2e-${name}`, env: { ...envOf(name), ...extraEnv } });
    procs.set(name, child);
    await child.waitForLine(svc.ready, 90_000);
    return child;
  };
  const stop = async () => {
    await Promise.all([...procs.values()].map((p) => p.stop().catch(() => null)));
    await nc?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    await dropDatabase(dbName).catch(() => undefined);
    if (!cluster) await nats.stop();
  };
  let nc: NatsConnection | undefined;
  try {
    progress('e2e stack: actor nodes');
    // Nodes first: they create the TB_EVENTS stream the consumers bind to.
    await Promise.all(Array.from({ length: o.nodes ?? 2 }, (_, i) => start(`node-${i}`)));
    progress('e2e stack: gateways, relay, consumers, saga worker, stock watcher');
    await Promise.all([...gateways.map((g) => start(g.name)), ...['payment-relay', 'payment-events', 'order-history', 'order-saga', 'stock-watcher', 'tickets'].map((n) => start(n))]);
    nc = cluster
      ? await connect({ ...splitNatsUrl(cluster.urlFor('operator')), inboxPrefix: '_INBOX_operator', name: 'e2e-observer' })
      : await connect({ servers: nats.url, name: 'e2e-observer' });
  } catch (err) {
    await stop();
    throw err;
  }
  return { nats, dbUrl, db, nc, urls, url: urls['gateway']!, env, procs, start, stop };
}
