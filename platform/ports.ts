/**
 * @module platform/ports
 * The fixed admin (health and metrics) port of every process kind, so Prometheus can be pointed
 * at them (README "Ports", docs/observability.md). Several processes of one kind on one host
 * (the launcher runs two actor nodes) take `base + 10 × TB_INSTANCE`: the kinds' bases are
 * consecutive, so instance 1 of every kind lands in 9190–9198, instance 2 in 9200–9208, and
 * no two ever collide. `TB_ADMIN_PORT` overrides it (0 = any free port, as tests that start many
 * processes use; -1 = no listener).
 */
import type { Config } from '../config/index.js';

/** Base admin port by process kind (the `service` log field). */
export const ADMIN_PORTS = {
  gateway: 9180,
  'actor-node': 9181,
  'catalog-projector': 9182,
  'stock-watcher': 9183,
  'payment-relay': 9184,
  'payment-events': 9185,
  'order-history': 9186,
  'order-saga': 9187,
  tickets: 9188,
} as const;

export type ServiceKind = keyof typeof ADMIN_PORTS;

/** Distance between two instances of one kind. */
export const INSTANCE_STRIDE = 10;

/** The admin port of process kind `kind` under `config`: `TB_ADMIN_PORT` when set, else the fixed one. */
export function adminPortOf(kind: ServiceKind, config: Pick<Config, 'adminPort' | 'instance'>): number {
  return config.adminPort ?? ADMIN_PORTS[kind] + INSTANCE_STRIDE * config.instance;
}
