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
import { freePorts, startNatsServer, type NatsClusterHandle, type NatsServerHandle } from '../harness/nats.js';
import { splitNatsUrl } from '../../config/index.js';
import type { ChildHandle } from '../../app/process.js';
import type { CodeForm } from '../../app/entry.js';
import { ServiceStartError, startProcessStack, type GatewaySpec, type ProcessStack } from '../../app/stack.js';
import { fastEnv, withTuning } from '../runtime/helpers.js';

export const E2E_JWT_SECRET = 'e2e-checkout-jwt-secret-e2e-checkout-0123';
export const E2E_SANDBOX_SECRET = 'e2e-sandbox-payment-secret-0123456789';

export type { GatewaySpec };

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
  /** Run the compiled build (`dist/`, `npm run build`) instead of the sources. */
  form?: CodeForm;
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

/**
 * The settings of every e2e process: short failure-detection times, development secrets, rate
 * limits off (one loopback address plays every user), short saga and relay delays.
 */
export function e2eEnv(natsUrl: string, dbUrl: string): Record<string, string> {
  const env: Record<string, string> = {
    ...fastEnv(natsUrl),
    TB_DATABASE_URL: dbUrl,
    TB_JWT_SECRET: E2E_JWT_SECRET,
    TB_SANDBOX_PAYMENT_SECRET: E2E_SANDBOX_SECRET,
    TB_CHECKOUT_SECRET: 'e2e-checkout-token-secret-0123456789',
    TB_QUEUE_SEED_SECRET: 'e2e-queue-seed-secret-0123456789',
    TB_HTTP_HOST: '127.0.0.1',
    TB_RATE_LIMIT_IP_PER_SEC: '0',
    TB_RATE_LIMIT_USER_PER_SEC: '0',
    TB_RATE_LIMIT_AUTH_IP_PER_MIN: '0',
    TB_WS_UPGRADE_IP_PER_SEC: '0',
    // Every process on any free admin port: several stacks (and other tests) run at once on one host.
    TB_ADMIN_PORT: '0',
    TB_LOG_LEVEL: 'info',
  };
  return withTuning(env, {
    orderSagaGraceMs: 1000,
    paymentRelayPollMs: 200,
    paymentEventsRetryDelayMs: 200,
    orderHistoryRetryDelayMs: 200,
  });
}

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
  const env: Record<string, string> = { ...e2eEnv(cluster ? cluster.servers.map((x) => x.url).join(',') : nats.url, dbUrl), ...o.env };
  let stack: ProcessStack | undefined;
  let nc: NatsConnection | undefined;
  const stop = async () => {
    await stack?.stop();
    await nc?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    await dropDatabase(dbName).catch(() => undefined);
    if (!cluster) await nats.stop();
  };
  try {
    stack = await startProcessStack({
      env,
      actorNodes: o.nodes ?? 2,
      gateways: gateways.map((g, i) => ({
        name: g.name,
        env: { TB_HTTP_PORT: String(ports[i]), TB_PUBLIC_BASE_URL: urls[g.name]!, ...g.env },
      })),
      // The catalog projector is left out: the checkout flows do not read the catalog.
      workers: ['payment-relay', 'payment-events', 'order-history', 'order-saga', 'stock-watcher', 'tickets'],
      ...(o.envFor ? { envFor: o.envFor } : {}),
      ...(cluster ? { natsPasswords: cluster.passwords } : {}),
      ...(o.form ? { form: o.form } : {}),
      label: 'e2e-',
      progress,
    });
    nc = cluster
      ? await connect({ ...splitNatsUrl(cluster.urlFor('operator')), inboxPrefix: '_INBOX_operator', name: 'e2e-observer' })
      : await connect({ servers: nats.url, name: 'e2e-observer' });
  } catch (err) {
    await stop();
    // Say which process and what it printed last (the launcher shows this its own way).
    if (err instanceof ServiceStartError) throw new Error(`${err.message}; log ${err.logFile}; tail:\n${err.tail}`);
    throw err;
  }
  const { procs, start } = stack;
  return { nats, dbUrl, db, nc, urls, url: urls['gateway']!, env, procs, start, stop };
}
