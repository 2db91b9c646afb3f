/**
 * @module catalog/metrics
 * Prometheus metrics of the catalog projector and rebuild, registered in the registry the caller
 * passes (or a private one). Idempotent: a second projector on the same registry reuses the
 * same metric objects instead of failing on a duplicate name.
 */
import { Counter, Gauge, Registry, type Metric } from 'prom-client';

/** What one catalog message turned out to be, for `tb_catalog_messages_total{outcome}`. */
export const MessageOutcome = {
  /** Committed to the tables (possibly as a no-op because a newer version was already there). */
  Applied: 'applied',
  /** Another kind's event: acknowledged untouched. */
  Ignored: 'ignored',
  /** Undecodable, or refused by PostgreSQL as data: logged with its sequence and terminated. */
  Poison: 'poison',
  /** The database failed: negatively acknowledged with a delay, it comes back. */
  Retried: 'retried',
} as const;
export type MessageOutcome = (typeof MessageOutcome)[keyof typeof MessageOutcome];

/** The metric objects a projector updates. */
export interface CatalogMetrics {
  readonly registry: Registry;
  readonly messages: Counter<'projector' | 'outcome'>;
  readonly streamSeq: Gauge<'projector'>;
  readonly batches: Counter<'projector'>;
}

function reuse<T extends Metric>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** Register (or find) the catalog metrics in `registry` (default: a new private registry). */
export function createCatalogMetrics(registry: Registry = new Registry()): CatalogMetrics {
  const registers = [registry];
  return {
    registry,
    messages: reuse(
      registry,
      'tb_catalog_messages_total',
      () =>
        new Counter({
          name: 'tb_catalog_messages_total',
          help: 'TB_EVENTS messages handled by the catalog, by outcome',
          labelNames: ['projector', 'outcome'],
          registers,
        }),
    ),
    streamSeq: reuse(
      registry,
      'tb_catalog_stream_seq',
      () =>
        new Gauge({
          name: 'tb_catalog_stream_seq',
          help: 'Highest TB_EVENTS stream sequence the catalog has committed',
          labelNames: ['projector'],
          registers,
        }),
    ),
    batches: reuse(
      registry,
      'tb_catalog_batches_total',
      () =>
        new Counter({
          name: 'tb_catalog_batches_total',
          help: 'Database transactions committed by the catalog projector',
          labelNames: ['projector'],
          registers,
        }),
    ),
  };
}
