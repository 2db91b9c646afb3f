/**
 * @module gateway/builtin/system-routes
 * The operator endpoints every gateway has: `/healthz` (the process answers), `/readyz` (NATS
 * answers a round trip and every injected check passes, and the gateway is not shutting down),
 * served on the public and the admin listener, and `/metrics` (Prometheus text), served on the
 * admin listener only (`TB_ADMIN_HOST:TB_ADMIN_PORT`, private by default). Readiness checks run in parallel, each bounded by a timeout,
 * so a hung database makes the gateway "not ready" rather than making the probe hang.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import type { Registry } from 'prom-client';
import { TbError, Type } from '../../contracts/index.js';
import type { AnyRoute, ReadinessCheck } from '../types.js';

export interface SystemRouteDeps {
  nc: NatsConnection | undefined;
  readinessChecks: ReadinessCheck[];
  registry: Registry;
  /** True once shutdown began: readiness fails so load balancers stop sending traffic. */
  isShuttingDown: () => boolean;
  checkTimeoutMs?: number;
}

const ReadyBody = Type.Object({ status: Type.Literal('ready'), checks: Type.Record(Type.String(), Type.String()) });

function withTimeout(p: Promise<boolean | void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    p.then(
      (v) => resolve(v !== false),
      () => resolve(false),
    ).finally(() => clearTimeout(t));
  });
}

/**
 * Run every readiness check; resolves with `name → 'ok' | 'failed'`. Never rejects.
 * NATS is checked with a flush (a server round trip) when a connection is given.
 */
export async function runReadiness(deps: Omit<SystemRouteDeps, 'registry'>): Promise<Record<string, string>> {
  const timeout = deps.checkTimeoutMs ?? 2_000;
  const checks: ReadinessCheck[] = [...deps.readinessChecks];
  const nc = deps.nc;
  if (nc) checks.unshift({ name: 'nats', check: async () => !nc.isClosed() && !nc.isDraining() && (await nc.flush(), true) });
  const results = await Promise.all(checks.map((c) => withTimeout(Promise.resolve().then(c.check), timeout)));
  const out: Record<string, string> = {};
  checks.forEach((c, i) => (out[c.name] = results[i] ? 'ok' : 'failed'));
  if (deps.isShuttingDown()) out['shutdown'] = 'failed';
  return out;
}

/** The `/healthz` and `/readyz` routes. */
export function systemRoutes(deps: Omit<SystemRouteDeps, 'registry'>): AnyRoute[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      summary: 'Liveness: the process answers',
      tags: ['system'],
      auth: 'none',
      responses: { 200: Type.Object({ status: Type.Literal('ok') }) },
      handler: () => ({ body: { status: 'ok' } }),
    },
    {
      method: 'GET',
      path: '/readyz',
      summary: 'Readiness: NATS and every dependency answer',
      tags: ['system'],
      auth: 'none',
      responses: { 200: ReadyBody, 503: { description: 'Not ready (HTTP_NOT_READY); details.checks says which failed' } },
      async handler() {
        const checks = await runReadiness(deps);
        const failing = Object.entries(checks)
          .filter(([, v]) => v !== 'ok')
          .map(([k]) => k);
        if (failing.length > 0) throw new TbError('HTTP_NOT_READY', { failing: failing.join(', '), checks });
        return { body: { status: 'ready', checks } };
      },
    },
  ];
}

/** The `/metrics` route (admin listener only). */
export function metricsRoutes(deps: Pick<SystemRouteDeps, 'registry'>): AnyRoute[] {
  return [
    {
      method: 'GET',
      path: '/metrics',
      summary: 'Prometheus metrics',
      tags: ['system'],
      auth: 'none',
      hidden: true,
      responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } },
      async handler() {
        return { headers: { 'content-type': deps.registry.contentType }, body: await deps.registry.metrics() };
      },
    },
  ];
}
