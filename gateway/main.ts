/**
 * @module gateway/main
 * The gateway process: load config, refuse to start without native uWebSockets.js, connect to
 * NATS and PostgreSQL (accounts, catalog listings, readiness), serve the built-in and application routes and
 * the waitroom's WebSocket stream (`gateway/ws`, docs/websocket.md) on `httpHost:httpPort`, `/metrics` and
 * `/internal/ws/stats` on the private admin listener `adminHost:adminPort`, and shut down gracefully on SIGTERM/SIGINT (stop accepting, finish
 * in-flight requests, drain NATS, close the database pool, exit 0). Start-up failures log and exit 1.
 */
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { accountsConfigFrom, createAccounts, createLoginThrottle, openLoginThrottleBucket } from '../accounts/index.js';
import { createCatalog } from '../catalog/index.js';
import { loadConfig, natsConnectOptions, refuseUnsafeStart } from '../config/index.js';
import { createDb } from '../db/index.js';
import { createPaymentProviders, createPaymentStore } from '../payments/index.js';
import { openOrderHistoryStore } from '../orders/index.js';
import { createActorClient, createActors } from '../actors/client/index.js';
import { createTickets } from '../tickets/index.js';
import { assertNativeUws } from './adapter/uws/index.js';
import { openSessionsBucket, createQueueService } from '../queue/index.js';
import { createGateway, type Gateway } from './app.js';
import { createMailer } from '../mailer/index.js';
import { authRateLimit, createRoutes } from './routes/index.js';
import type { WebSocketRoute } from './types.js';
import { defaultPagesDir, pagesMiddleware } from './static/index.js';
import { createConsoleStream } from './ws/console-stream.js';
import { createQueueFeed, createQueueStream, queuePortFrom, queueStreamOptionsFrom, syncAccessTokenCheck, wsStatsRoute } from './ws/index.js';

const config = loadConfig();
refuseUnsafeStart(config, 'gateway');
const log = pino({
  level: config.logLevel,
  base: { svc: 'gateway', pid: process.pid },
  // Defence in depth: nothing should log these, but if something does, they are masked.
  redact: ['req.headers.authorization', '*.authorization', '*.password', '*.token', '*.accessToken', '*.refreshToken'],
});

async function main(): Promise<void> {
  assertNativeUws();
  const nc = await connect({ ...natsConnectOptions(config, `gateway-${process.pid}`), maxReconnectAttempts: -1, noAsyncTraces: true });
  const db = createDb(config.databaseUrl);
  const loginThrottle = createLoginThrottle(await openLoginThrottleBucket(nc, config.kvReplicas), {
    maxFailures: config.loginMaxFailures, lockSec: config.loginLockSec, lockMaxSec: config.loginLockMaxSec,
  });
  // Verification links go out by mail (SMTP when TB_SMTP_URL is set, the log otherwise).
  const accounts = createAccounts({ db: db.db, config: accountsConfigFrom(config), log: log.child({ mod: 'accounts' }), loginThrottle, mailer: createMailer(config, log.child({ mod: 'mailer' })) });
  // The queue stream: one NATS subscription per event with sockets here; gateways share nothing else.
  const queue = createQueueService({ nc, kv: await openSessionsBucket(nc, config.kvReplicas), config, log: log.child({ mod: 'queue' }) });
  let served: Gateway | undefined;
  const stream = createQueueStream({
    queue: queuePortFrom(queue), checkAccessToken: syncAccessTokenCheck(config.jwtSecret), verifyAccessToken: (token) => accounts.verifyAccessToken(token),
    feed: (onEvent) => createQueueFeed(nc, onEvent), publish: (topic, frame) => void served?.publish(topic, frame),
    options: queueStreamOptionsFrom(config), log: log.child({ mod: 'ws' }),
  });
  const actors = createActorClient(nc, { partitions: config.partitions });
  const consoles = createConsoleStream({
    actors: createActors(actors), checkAccessToken: syncAccessTokenCheck(config.jwtSecret),
    verifyAccessToken: (token) => accounts.verifyAccessToken(token), nc, publish: (topic, frame) => void served?.publish(topic, frame), log: log.child({ mod: 'console' }),
  });
  const paymentStore = createPaymentStore(db.db);
  const history = await openOrderHistoryStore({ db: db.db, mongodbUrl: config.mongodbUrl });
  const routeDeps = {
    accounts,
    catalog: createCatalog(db.db),
    payments: { providers: createPaymentProviders(config), store: paymentStore, db: db.db, log: log.child({ mod: 'payments' }), config },
    history: { history, payments: paymentStore },
    orders: { payments: paymentStore, providers: createPaymentProviders(config), config },
    organizer: { db: db.db },
    tickets: { tickets: createTickets({ sql: db.sql, actors: createActors(actors), config }) },
  };
  const gateway = createGateway({
    config, log, nc,
    routes: createRoutes(routeDeps),
    adminRoutes: [wsStatsRoute(() => stream.stats())],
    webSocketRoutes: [stream.route as WebSocketRoute<unknown>, consoles.route as WebSocketRoute<unknown>],
    verifyAccessToken: (token) => accounts.verifyAccessToken(token),
    readinessChecks: [{ name: 'postgres', check: async () => { await db.sql`select 1`; } }],
    middlewares: [
      authRateLimit({ perMinute: config.rateLimitAuthIpPerMin, burst: config.rateLimitAuthIpBurst, maxKeys: config.rateLimitMaxKeys }),
      pagesMiddleware({ dir: defaultPagesDir() }),
    ],
  });
  served = gateway;
  const port = await gateway.listen(config.httpHost, config.httpPort);
  if (config.adminPort >= 0) {
    const adminPort = await gateway.listenAdmin(config.adminHost, config.adminPort);
    log.info({ host: config.adminHost, port: adminPort }, 'gateway admin listener (metrics, ws stats)');
  }
  log.info({ host: config.httpHost, port }, 'gateway listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'gateway shutting down');
    stream.close();
    consoles.close();
    gateway.close().then(() => history.close()).then(() => db.close()).then(
      () => {
        log.info('gateway stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'gateway shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  log.fatal({ err }, 'gateway failed to start');
  process.exit(1);
});
