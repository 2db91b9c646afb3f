/**
 * @module test/gateway/routes/setup
 * Everything real for the REST route tests: a private nats-server, a throwaway migrated
 * PostgreSQL database, the account service (movable clock, in-memory mailer), an in-process
 * actor node serving the production kinds, the catalog projector, and the gateway on a free port with the application
 * routes. `api` wraps `fetch` with JSON and a bearer token; `signUp` makes a signed-in user.
 */
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { pino } from 'pino';
import { MemoryMailer, createAccounts, type Accounts } from '../../../accounts/index.js';
import { productionKinds } from '../../../actors/kinds.js';
import { createCatalog, startCatalogProjector } from '../../../catalog/index.js';
import { ActorNode } from '../../../actors/runtime/index.js';
import { loadConfig, type Config } from '../../../config/index.js';
import { createActorClient, type ActorClient } from '../../../actors/client/index.js';
import { createDb, migrate, type DbHandle } from '../../../db/index.js';
import { createGateway, type Gateway } from '../../../gateway/index.js';
import { authRateLimit, createRoutes } from '../../../gateway/routes/index.js';
import { startNatsServer, type NatsServerHandle } from '../../harness/nats.js';
import { dropDatabase, testDatabaseUrl, throwawayName } from '../../db/throwaway-db.js';

/** One JSON answer: status, parsed body (undefined when empty), headers. */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A signed-in user. */
export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
  refreshToken: string;
}

/** The running stack. */
export interface RoutesStack {
  url: string;
  accounts: Accounts;
  mailer: MemoryMailer;
  clock: { ms: number };
  db: DbHandle;
  gateway: Gateway;
  /** An actor client (as the order saga would use), for steps that are not REST routes. */
  actors: ActorClient;
  /** `fetch` a path with an optional JSON body (or raw string), token and headers. */
  api<T = any>(
    method: string,
    path: string,
    opts?: { body?: unknown; raw?: string | Uint8Array; token?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  /** Register and sign in a new user; `admin` grants the platform admin role first. */
  signUp(prefix?: string, opts?: { admin?: boolean }): Promise<TestUser>;
  stop(): Promise<void>;
}

const JWT_SECRET = 'routes-test-secret-routes-test-secret-0123';
let counter = 0;

/** Start the whole stack. `config` overrides gateway settings (rate limits are generous unless given). */
export async function startRoutesStack(config: Partial<Config> = {}): Promise<RoutesStack> {
  const nats: NatsServerHandle = await startNatsServer();
  const dbName = throwawayName();
  const dbUrl = testDatabaseUrl(dbName);
  await migrate(dbUrl);
  const db = createDb(dbUrl, { max: 4 });
  const mailer = new MemoryMailer();
  const clock = { ms: Date.now() };
  const silent = pino({ level: process.env['TB_TEST_LOG'] ?? 'silent' });
  const accounts = createAccounts({
    db: db.db,
    config: { jwtSecret: JWT_SECRET, publicBaseUrl: 'http://127.0.0.1' },
    mailer,
    log: silent,
    now: () => clock.ms,
  });
  const cfg = loadConfig(
    {},
    {
      natsUrl: nats.url,
      partitions: 8,
      adminPort: -1,
      heartbeatMs: 250,
      memberTimeoutMs: 1_500,
      leaseTtlMs: 1_500,
      leaseRenewMs: 300,
      logLevel: process.env['TB_TEST_LOG'] ?? 'warn',
      rateLimitIpPerSec: 10_000,
      rateLimitIpBurst: 10_000,
      rateLimitUserPerSec: 10_000,
      rateLimitUserBurst: 10_000,
      rateLimitAuthIpPerMin: 60_000,
      rateLimitAuthIpBurst: 10_000,
      ...config,
    },
  );
  const nodeNc: NatsConnection = await connect({ servers: nats.url });
  const node = new ActorNode({ config: cfg, kinds: await productionKinds(), nc: nodeNc, log: silent });
  await node.start();
  const projector = startCatalogProjector({ nc: nodeNc, db: db.db, log: silent, retryDelayMs: 200 });
  const gwNc = await connect({ servers: nats.url });
  const gateway = createGateway({
    config: cfg,
    log: silent,
    nc: gwNc,
    routes: createRoutes({ accounts, catalog: createCatalog(db.db) }),
    verifyAccessToken: (t) => accounts.verifyAccessToken(t),
    readinessChecks: [
      {
        name: 'postgres',
        check: async () => {
          await db.sql`select 1`;
        },
      },
    ],
    middlewares: [authRateLimit({ perMinute: cfg.rateLimitAuthIpPerMin, burst: cfg.rateLimitAuthIpBurst, maxKeys: 1_000 })],
  });
  const port = await gateway.listen('127.0.0.1', 0);
  const url = `http://127.0.0.1:${port}`;

  const api: RoutesStack['api'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
    let body: string | Uint8Array | undefined = opts.raw;
    if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed as never, headers: res.headers };
  };

  const signUp: RoutesStack['signUp'] = async (prefix = 'user', opts = {}) => {
    counter += 1;
    const email = `${prefix}${counter}.${Date.now().toString(36)}@example.com`;
    const password = 'Blue-kettle-42-river';
    const reg = await api('POST', '/api/v1/auth/register', { body: { email, password, displayName: `${prefix} ${counter}` } });
    if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
    if (opts.admin) await accounts.grantPlatformRole(reg.body.id, 'admin');
    const login = await api('POST', '/api/v1/auth/login', { body: { email, password } });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
    return { id: reg.body.id, email, password, token: login.body.accessToken, refreshToken: login.body.refreshToken };
  };

  return {
    url,
    accounts,
    mailer,
    clock,
    db,
    gateway,
    api,
    signUp,
    actors: createActorClient(nodeNc, { partitions: cfg.partitions }),
    async stop() {
      await gateway.close();
      await projector.stop().catch(() => undefined);
      await node.stop().catch(() => undefined);
      await nodeNc.close().catch(() => undefined);
      await db.close();
      await dropDatabase(dbName).catch(() => undefined);
      await nats.stop();
    },
  };
}

/** A valid event body starting in `days` days and lasting 3 hours. */
export function eventBody(name = 'Concert', days = 30): { name: string; startsAt: number; endsAt: number; categories: string[] } {
  const startsAt = Date.now() + days * 86_400_000;
  return { name, startsAt, endsAt: startsAt + 3 * 3_600_000, categories: ['music'] };
}

/** A valid ticket-class body. */
export function classBody(name = 'General', total = 100): { name: string; priceMinor: number; currency: string; total: number } {
  return { name, priceMinor: 150_000, currency: 'VND', total };
}
