/**
 * @module gateway/app
 * The composition root of the gateway: routes (built-in plus the caller's), middlewares in their
 * lifecycle order, metrics, and a server adapter loaded only when `listen` is called (so
 * in-process tests through `handle()` never touch uWebSockets.js). Operator routes (`/metrics`,
 * the caller's `adminRoutes`) live on a second, private listener (`listenAdmin`), never on the
 * public port, where even the probes are rate-limited. Shutdown order: refuse new work and fail
 * readiness → stop accepting → wait for in-flight requests (bounded) → close connections → drain NATS.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { TbError } from '../contracts/index.js';
import { createActorClient } from '../actors/client/index.js';
import type { UwsServer } from './adapter/uws/index.js';
import { docRoutes } from './builtin/doc-routes.js';
import { metricsRoutes, systemRoutes } from './builtin/system-routes.js';
import { accessLog } from './middleware/access-log/index.js';
import { auth } from './middleware/auth/index.js';
import { bodyLimit } from './middleware/body-limit/index.js';
import { cors, parseOrigins } from './middleware/cors/index.js';
import { idempotencyKeyCheck } from './middleware/idempotency-key/index.js';
import { httpFraming } from './middleware/http-framing/index.js';
import { jsonBody } from './middleware/json-body/index.js';
import { createGatewayMetrics } from './middleware/metrics/index.js';
import { rateLimit } from './middleware/rate-limit/index.js';
import { requestId } from './middleware/request-id/index.js';
import { securityHeaders } from './middleware/security-headers/index.js';
import type { OpenApiInfo } from './openapi.js';
import { createPipeline } from './pipeline.js';
import { createRequest, type GatewayRequestInit } from './request.js';
import { Router } from './router.js';
import type { AnyRoute, GatewayResponse, Middleware, ReadinessCheck, VerifyAccessToken, WebSocketRoute } from './types.js';
import { adminPortOf, sleep } from '../platform/index.js';

/** What a gateway is built from. */
export interface GatewayDeps {
  config: Config;
  log: Logger;
  /** NATS connection for `ctx.ask`/`ctx.nc` and readiness; drained by `close()`. */
  nc?: NatsConnection;
  /** The accounts module's access-token check; without it, routes needing a user answer 401. */
  verifyAccessToken?: VerifyAccessToken;
  /** Extra readiness probes (PostgreSQL, …) for `/readyz`. */
  readinessChecks?: ReadinessCheck[];
  /** Application routes (`gateway/routes/index.ts`). */
  routes: AnyRoute[];
  /** Operator routes served only on the admin listener (e.g. `/internal/ws/stats`), next to `/metrics`. */
  adminRoutes?: AnyRoute[];
  /** WebSocket routes served by the adapter. */
  webSocketRoutes?: WebSocketRoute<unknown>[];
  /** Extra middlewares, run after the built-in ones in each hook. */
  middlewares?: Middleware[];
  info?: OpenApiInfo;
  /** Millisecond clock for rate limiting (tests). */
  now?: () => number;
}

/** A built gateway. */
export interface Gateway {
  /** Run one request in-process (tests, like `app.request`/`inject`). Never rejects. */
  handle(init: GatewayRequestInit): Promise<GatewayResponse>;
  /** Listen on the uWS adapter; resolves with the bound port. Rejects if the port is taken or uWS is not native. */
  listen(host?: string, port?: number): Promise<number>;
  /** Run one request against the admin listener's routes in-process (`/metrics`, `/healthz`, admin routes). */
  handleAdmin(init: GatewayRequestInit): Promise<GatewayResponse>;
  /** Listen with the admin routes on their own port (default `TB_ADMIN_HOST` and the gateway's admin port, 9180 + 10 × TB_INSTANCE); resolves with the bound port. */
  listenAdmin(host?: string, port?: number): Promise<number>;
  /** Graceful shutdown (idempotent); never rejects. */
  close(): Promise<void>;
  /** Publish a WebSocket frame to a topic (no-op before `listen`). */
  publish(topic: string, message: string | Uint8Array): boolean;
  /** The route list being served (built-ins included). */
  readonly routes: readonly AnyRoute[];
}

/** Paths never shed: probes must see an overloaded gateway. */
const SHED_EXEMPT = new Set(['/healthz', '/readyz']);

/** Build a gateway. Throws a plain `Error` on a route table conflict (duplicate, bad pattern). */
export function createGateway(deps: GatewayDeps): Gateway {
  const { config, log } = deps;
  const metrics = createGatewayMetrics();
  let shuttingDown = false;
  let inFlight = 0;
  let server: UwsServer | undefined;
  let adminServer: UwsServer | undefined;
  let closing: Promise<void> | undefined;

  const router = new Router();
  const info = deps.info ?? { title: 'TicketBottle API', version: '1.0.0' };
  const probes = () => systemRoutes({ nc: deps.nc, readinessChecks: deps.readinessChecks ?? [], isShuttingDown: () => shuttingDown });
  for (const route of [...probes(), ...docRoutes(() => router.routes(), info), ...deps.routes]) router.add(route);
  const adminRouter = new Router();
  for (const route of [...probes(), ...metricsRoutes({ registry: metrics.registry }), ...(deps.adminRoutes ?? [])]) adminRouter.add(route);
  if (!deps.verifyAccessToken && deps.routes.some((r) => r.auth !== 'none')) {
    log.warn('no verifyAccessToken given: routes that need a user will answer 401');
  }

  const shutdownGuard: Middleware = {
    name: 'shutdown',
    onRequest(ctx) {
      if (!shuttingDown || ctx.request.path === '/healthz' || ctx.request.path === '/readyz') return;
      ctx.responseHeaders['connection'] = 'close';
      throw new TbError('RUNTIME_SHUTTING_DOWN');
    },
  };
  // Load shedding: past the limit a request is refused at once (503, Retry-After) rather than
  // queued behind thousands of others until its client times out and sends it again.
  const overloadGuard: Middleware = {
    name: 'overload',
    onRequest(ctx) {
      const limit = config.httpMaxInFlight;
      if (!limit || inFlight <= limit || SHED_EXEMPT.has(ctx.request.path)) return;
      metrics.shed.inc();
      throw new TbError('HTTP_OVERLOADED', { inFlight: limit, retryAfterSec: 1 });
    },
  };
  const middlewares: Middleware[] = [
    requestId(),
    metrics.middleware,
    accessLog(),
    overloadGuard,
    securityHeaders(),
    cors({ origins: parseOrigins(config.httpCorsOrigins) }),
    shutdownGuard,
    httpFraming(),
    bodyLimit(config.httpBodyLimitBytes),
    rateLimit({
      ipPerSec: config.rateLimitIpPerSec,
      ipBurst: config.rateLimitIpBurst,
      userPerSec: config.rateLimitUserPerSec,
      userBurst: config.rateLimitUserBurst,
      // Probes are limited too on the public port (unlimited on the admin listener).
      maxKeys: config.rateLimitMaxKeys,
      onLimited: (scope) => metrics.rateLimited.inc({ scope }),
      ...(deps.now ? { now: deps.now } : {}),
    }),
    auth(deps.verifyAccessToken),
    idempotencyKeyCheck(),
    jsonBody(),
    ...(deps.middlewares ?? []),
  ];
  const actors = deps.nc ? createActorClient(deps.nc, { partitions: config.partitions }) : undefined;
  const pipeline = createPipeline({ router, middlewares, log, nc: deps.nc, actors });
  // The admin listener is private (loopback by default): no rate limits, no auth, no bodies.
  const adminPipeline = createPipeline({
    router: adminRouter,
    middlewares: [requestId(), securityHeaders(), bodyLimit(1024)],
    log,
    nc: deps.nc,
    actors,
  });

  const run = async (init: GatewayRequestInit): Promise<GatewayResponse> => {
    inFlight++;
    metrics.inFlight.inc();
    try {
      return await pipeline(createRequest(init));
    } finally {
      inFlight--;
      metrics.inFlight.dec();
    }
  };

  return {
    handle: run,
    handleAdmin: (init) => adminPipeline(createRequest(init)),
    async listenAdmin(host = config.adminHost, port = adminPortOf('gateway', config)) {
      const { createUwsServer } = await import('./adapter/uws/index.js');
      adminServer ??= createUwsServer({
        handler: (req) => adminPipeline(req),
        bodyLimitBytes: 1024,
        trustProxy: false,
        onWriteError: (err) => log.warn({ err }, 'admin response write failed'),
      });
      return adminServer.listen(host, port);
    },
    routes: router.routes(),
    async listen(host = config.httpHost, port = config.httpPort) {
      const { createUwsServer } = await import('./adapter/uws/index.js');
      server ??= createUwsServer({
        handler: run,
        bodyLimitBytes: config.httpBodyLimitBytes,
        trustProxy: config.httpTrustProxy === 1,
        webSocketRoutes: deps.webSocketRoutes ?? [],
        onWriteError: (err) => log.warn({ err }, 'response write failed'),
      });
      return server.listen(host, port);
    },
    publish: (topic, message) => server?.publish(topic, message) ?? false,
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        server?.stopAccepting();
        adminServer?.stopAccepting();
        const deadline = Date.now() + config.httpShutdownGraceMs;
        while (inFlight > 0 && Date.now() < deadline) await sleep(20);
        if (inFlight > 0) log.warn({ inFlight }, 'shutdown grace expired with requests in flight');
        server?.closeAll();
        adminServer?.closeAll();
        if (deps.nc && !deps.nc.isClosed()) await deps.nc.drain().catch((err: unknown) => log.warn({ err }, 'NATS drain failed'));
      })();
      return closing;
    },
  };
}
