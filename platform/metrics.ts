/**
 * @module platform/metrics
 * Metric helpers shared by every process: one registry per process (or per actor node: tests run
 * several in one process), the Node.js default metrics, and gauges computed when scraped.
 * Every TicketBottle metric is named `tb_<area>_<what>[_unit][_total]`.
 */
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** A fresh registry with `labels` on every series and, unless turned off, the Node.js process metrics. */
export function createRegistry(o: { labels?: Record<string, string>; defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (o.labels) registry.setDefaultLabels(o.labels);
  if (o.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

/** One sample of a scrape-time gauge. */
export interface Sample<L extends string> {
  labels: Partial<Record<L, string>>;
  value: number;
}

/**
 * A gauge whose samples are computed at every scrape by `collect` (the state it reads is the
 * truth; nothing is kept in step). Series that `collect` no longer returns disappear.
 */
export function scrapeGauge<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  collect: () => Iterable<Sample<L>> | Promise<Iterable<Sample<L>>>,
): Gauge<L> {
  return new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of await collect()) this.set(s.labels, s.value);
    },
  });
}

/** Latency buckets (seconds) for in-process command handling: 0.5 ms to 5 s. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
