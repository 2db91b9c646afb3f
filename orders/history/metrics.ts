/**
 * @module orders/history/metrics
 * The business gauge of the order-history process: `tb_orders{status}`, orders per status as
 * last projected, counted in the store when Prometheus scrapes (one grouped query per scrape).
 */
import type { Registry } from 'prom-client';
import { scrapeGauge } from '../../platform/index.js';
import type { OrderHistoryStore } from './types.js';

export function registerOrderStatusGauge(registry: Registry, store: Pick<OrderHistoryStore, 'countByStatus'>): void {
  scrapeGauge(registry, 'tb_orders', 'Orders by status, as projected into the order history', ['status'], async () =>
    Object.entries(await store.countByStatus()).map(([status, value]) => ({ labels: { status }, value })),
  );
}
