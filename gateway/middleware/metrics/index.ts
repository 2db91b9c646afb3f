/**
 * @module gateway/middleware/metrics
 * Prometheus metrics for the gateway on a registry of its own (so several gateways in one test
 * process do not collide): requests and durations by method, route pattern and status, requests
 * in flight, and rate-limited requests by scope. Label values are bounded: the route label is the
 * route's pattern (or `<unmatched>`), never the raw path, and unknown methods become `OTHER`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Middleware } from '../../types.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The gateway's metric set. */
export interface GatewayMetrics {
  registry: Registry;
  inFlight: Gauge;
  rateLimited: Counter<'scope'>;
  /** Requests refused by load shedding (`HTTP_OVERLOADED`). */
  shed: Counter;
  middleware: Middleware;
}

/** Create the metrics and the `metrics` middleware that records every finished request. */
export function createGatewayMetrics(options: { defaultMetrics?: boolean; now?: () => number } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const now = options.now ?? (() => performance.now());
  const requests = new Counter({
    name: 'tb_gateway_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'tb_gateway_http_request_duration_seconds',
    help: 'HTTP request duration from first hook to response, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const inFlight = new Gauge({ name: 'tb_gateway_http_in_flight', help: 'HTTP requests being handled now', registers: [registry] });
  const rateLimited = new Counter({
    name: 'tb_gateway_rate_limited_total',
    help: 'Requests refused by the rate limiter, by scope (ip, user)',
    labelNames: ['scope'] as const,
    registers: [registry],
  });
  const shed = new Counter({
    name: 'tb_gateway_shed_total',
    help: 'Requests refused with 503 HTTP_OVERLOADED (load shedding)',
    registers: [registry],
  });
  const middleware: Middleware = {
    name: 'metrics',
    onResponse(ctx, res) {
      const labels = {
        method: METHODS.has(ctx.request.method) ? ctx.request.method : 'OTHER',
        route: ctx.routeLabel,
        status: String(res.status),
      };
      requests.inc(labels);
      duration.observe(labels, (now() - ctx.startedAt) / 1000);
    },
  };
  return { registry, inFlight, rateLimited, shed, middleware };
}
