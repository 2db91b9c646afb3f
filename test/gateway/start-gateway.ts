/**
 * @module test/gateway/start-gateway
 * Start a real gateway (uWebSockets.js on 127.0.0.1, port 0) for integration tests, with a
 * couple of test routes, and give back its base URL. Every gateway started here is closed by
 * `stopAll()` (call it in `afterAll`).
 */
import { pino } from 'pino';
import type { NatsConnection } from '@nats-io/nats-core';
import { loadConfig, type Config } from '../../config/index.js';
import { Type } from '../../contracts/index.js';
import { createGateway, defineRoute, type Gateway, type ReadinessCheck, type WebSocketRoute } from '../../gateway/index.js';

const running: Gateway[] = [];

/** Test routes: a JSON echo with a body schema, and a slow route for shutdown tests. */
export const testRoutes = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/echo/:id',
    summary: 'Echo a JSON body',
    tags: ['test'],
    auth: 'none',
    params: Type.Object({ id: Type.String({ maxLength: 16 }) }),
    body: Type.Object({ name: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
    responses: { 200: Type.Object({ id: Type.String(), name: Type.String() }) },
    handler: (ctx) => ({ body: { id: ctx.params.id, name: ctx.body.name, requestId: ctx.requestId } }),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/slow',
    summary: 'Answer after 300 ms',
    tags: ['test'],
    auth: 'none',
    responses: { 200: Type.Object({ ok: Type.Boolean() }) },
    handler: async () => {
      await new Promise((r) => setTimeout(r, 300));
      return { body: { ok: true } };
    },
  }),
];

export interface StartedGateway {
  gateway: Gateway;
  url: string;
  port: number;
  /** The private admin listener (`/metrics`, unlimited probes), on its own free port. */
  adminUrl: string;
}

/** Start a gateway; `config` overrides the defaults (generous rate limits unless given). */
export async function startGateway(
  options: {
    config?: Partial<Config>;
    nc?: NatsConnection;
    readinessChecks?: ReadinessCheck[];
    webSocketRoutes?: WebSocketRoute<unknown>[];
  } = {},
): Promise<StartedGateway> {
  const config = loadConfig({}, { rateLimitIpPerSec: 10_000, rateLimitIpBurst: 10_000, httpShutdownGraceMs: 2_000, ...options.config });
  const gateway = createGateway({
    config,
    log: pino({ level: process.env['TB_TEST_LOG'] ?? 'silent' }),
    routes: testRoutes,
    ...(options.nc ? { nc: options.nc } : {}),
    ...(options.readinessChecks ? { readinessChecks: options.readinessChecks } : {}),
    ...(options.webSocketRoutes ? { webSocketRoutes: options.webSocketRoutes } : {}),
  });
  const port = await gateway.listen('127.0.0.1', 0);
  const adminPort = await gateway.listenAdmin('127.0.0.1', 0);
  running.push(gateway);
  return { gateway, url: `http://127.0.0.1:${port}`, port, adminUrl: `http://127.0.0.1:${adminPort}` };
}

/** Close every gateway started by this module. */
export async function stopAll(): Promise<void> {
  await Promise.all(running.splice(0).map((g) => g.close()));
}
