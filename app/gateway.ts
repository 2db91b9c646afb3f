/**
 * @module app/gateway
 * The composition root of a gateway: builds each service it serves once (accounts with the login
 * throttle and mailer, the queue service and its WebSocket stream, the organizer console stream,
 * the actor client, the payment store and providers, the order history, tickets, the catalog) and
 * wires them into the routes and the gateway's options. `gateway/main.ts` runs it in production;
 * tests build the same gateway with their own mailer or secrets.
 * Invariant: one instance of each service per gateway (the payment providers, the queue
 * service's cache and the actor client are shared by every route that needs them).
 */
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import {
  accountsConfigFrom,
  createAccounts,
  createLoginThrottle,
  openLoginThrottleBucket,
  type Accounts,
  type Mailer,
} from '../accounts/index.js';
import { createCatalog } from '../catalog/index.js';
import type { Config } from '../config/index.js';
import { createActorClient, createActors, type ActorClient } from '../actors/client/index.js';
import type { DbHandle } from '../db/index.js';
import type { Gateway, GatewayDeps, WebSocketRoute } from '../gateway/index.js';
import { authRateLimit, createRoutes, type RouteDeps } from '../gateway/routes/index.js';
import { defaultPagesDir, pagesMiddleware } from '../gateway/static/index.js';
import {
  createConsoleStream,
  createQueueFeed,
  createQueueStream,
  queuePortFrom,
  queueStreamOptionsFrom,
  syncAccessTokenCheck,
  wsStatsRoute,
} from '../gateway/ws/index.js';
import { createMailer } from '../mailer/index.js';
import { openOrderHistoryStore } from '../orders/index.js';
import { createPaymentProviders, createPaymentStore, type PaymentStore } from '../payments/index.js';
import { createQueueService, openSessionsBucket, type QueueService } from '../queue/index.js';
import { moduleLogger } from '../platform/index.js';
import { createTickets } from '../tickets/index.js';

/** What a gateway is built from. */
export interface GatewayCompositionDeps {
  config: Config;
  log: Logger;
  nc: NatsConnection;
  db: DbHandle;
  /** Outgoing mail (default: SMTP when `TB_SMTP_URL` is set, the log otherwise). */
  mailer?: Mailer;
  /** Accounts settings over `accountsConfigFrom(config)` (tests pin their JWT secret). */
  accounts?: Partial<ReturnType<typeof accountsConfigFrom>>;
  /** Serve the built pages (`web/dist`; default true). */
  pages?: boolean;
}

/** A composed gateway: the options `createGateway` takes, the services behind them, and how to end them. */
export interface GatewayComposition {
  /** Everything `createGateway` needs besides config, log and nc. */
  options: Omit<GatewayDeps, 'config' | 'log' | 'nc'>;
  services: { accounts: Accounts; actors: ActorClient; queue: QueueService; payments: PaymentStore; routeDeps: RouteDeps };
  /** Give the streams the gateway that publishes their frames (call once `createGateway` answered). */
  attach(gateway: Gateway): void;
  /** Close the WebSocket streams (before the gateway closes: they let their sockets go first). */
  stopStreams(): void;
  /** Close the stores this composition opened and the streams if still open (not the NATS connection or the database). */
  close(): Promise<void>;
}

/** Build every service of a gateway once and wire the routes. */
export async function composeGateway(d: GatewayCompositionDeps): Promise<GatewayComposition> {
  const { config, log, nc, db } = d;
  const loginThrottle = createLoginThrottle(await openLoginThrottleBucket(nc, config.kvReplicas), {
    maxFailures: config.loginMaxFailures,
    lockSec: config.loginLockSec,
    lockMaxSec: config.loginLockMaxSec,
  });
  // Verification links go out by mail (SMTP when TB_SMTP_URL is set, the log otherwise).
  const accountsConfig = { ...accountsConfigFrom(config), ...d.accounts };
  const accounts = createAccounts({
    db: db.db,
    config: accountsConfig,
    log: moduleLogger(log, 'accounts'),
    loginThrottle,
    mailer: d.mailer ?? createMailer(config, moduleLogger(log, 'mailer')),
  });
  // The queue stream: one NATS subscription per event with sockets here; gateways share nothing else.
  const queue = createQueueService({ nc, kv: await openSessionsBucket(nc, config.kvReplicas), config, log: moduleLogger(log, 'queue') });
  let served: Gateway | undefined;
  const stream = createQueueStream({
    queue: queuePortFrom(queue),
    checkAccessToken: syncAccessTokenCheck(accountsConfig.jwtSecret),
    verifyAccessToken: (token) => accounts.verifyAccessToken(token),
    feed: (onEvent) => createQueueFeed(nc, onEvent),
    publish: (topic, frame) => void served?.publish(topic, frame),
    options: queueStreamOptionsFrom(config),
    log: moduleLogger(log, 'ws'),
  });
  const actors = createActorClient(nc, { partitions: config.partitions });
  const consoles = createConsoleStream({
    actors: createActors(actors),
    checkAccessToken: syncAccessTokenCheck(accountsConfig.jwtSecret),
    verifyAccessToken: (token) => accounts.verifyAccessToken(token),
    nc,
    publish: (topic, frame) => void served?.publish(topic, frame),
    log: moduleLogger(log, 'console'),
  });
  const payments = createPaymentStore(db.db);
  // Built once: the payment routes and the order routes share the same providers.
  const providers = createPaymentProviders(config);
  const history = await openOrderHistoryStore({ db: db.db, mongodbUrl: config.mongodbUrl });
  const routeDeps: RouteDeps = {
    accounts,
    catalog: createCatalog(db.db),
    payments: { providers, store: payments, db: db.db, log: moduleLogger(log, 'payments'), config },
    history: { history, payments },
    orders: { payments, providers, config },
    organizer: { db: db.db },
    tickets: { tickets: createTickets({ sql: db.sql, actors: createActors(actors), config }) },
  };
  let streamsOpen = true;
  const stopStreams = () => {
    if (!streamsOpen) return;
    streamsOpen = false;
    stream.close();
    consoles.close();
  };
  return {
    options: {
      routes: createRoutes(routeDeps),
      adminRoutes: [wsStatsRoute(() => stream.stats())],
      webSocketRoutes: [stream.route as WebSocketRoute<unknown>, consoles.route as WebSocketRoute<unknown>],
      verifyAccessToken: (token) => accounts.verifyAccessToken(token),
      readinessChecks: [
        {
          name: 'postgres',
          check: async () => {
            await db.sql`select 1`;
          },
        },
      ],
      middlewares: [
        authRateLimit({ perMinute: config.rateLimitAuthIpPerMin, burst: config.rateLimitAuthIpBurst, maxKeys: config.rateLimitMaxKeys }),
        ...(d.pages === false ? [] : [pagesMiddleware({ dir: defaultPagesDir() })]),
      ],
    },
    services: { accounts, actors, queue, payments, routeDeps },
    attach(gateway) {
      served = gateway;
    },
    stopStreams,
    async close() {
      stopStreams();
      await history.close();
    },
  };
}
