/**
 * @module actors/runtime/node-http
 * An actor node's operational HTTP endpoints on the platform's admin listener: `/healthz` (the
 * process answers), `/readyz` (connected, owns or may own partitions, not draining) and
 * `/metrics` (Prometheus).
 */
import type { Registry } from 'prom-client';
import { serveAdmin, type AdminHttp } from '../../platform/index.js';

export interface NodeHttpDeps {
  registry: Registry;
  ready: () => { ready: boolean; detail: Record<string, unknown> };
}

export async function startNodeHttp(port: number, host: string, deps: NodeHttpDeps): Promise<AdminHttp> {
  return (await serveAdmin(Math.max(0, port), host, deps))!;
}
