/**
 * @module actors/business-metrics
 * The business gauges of an actor node, computed at every scrape from the committed state of the
 * waitrooms and ticket classes this node holds in memory (docs/observability.md):
 * `tb_queue_waiting`, `tb_queue_admitted`, `tb_queue_slots_in_use` per event, and
 * `tb_ticketclass_available`, `tb_ticketclass_held`, `tb_ticketclass_sold` per event and class.
 * Each actor lives on one node at a time, so summing a series over the nodes gives the whole;
 * an actor idle long enough to be passivated drops out until its next command (its numbers did
 * not change meanwhile; the sale's actors stay in memory while it runs).
 */
import type { QueueContext } from './queue/index.js';
import type { TicketClassContext } from './ticketclass/index.js';
import type { ActorNode } from './runtime/index.js';
import { scrapeGauge } from '../platform/index.js';

/** Register the gauges on `node`'s registry. */
export function businessGauges(node: Pick<ActorNode, 'metrics' | 'contextsOf'>): void {
  const r = node.metrics.registry;
  const queues = () => [...node.contextsOf('queue')].map((q) => q.context as QueueContext);
  const classes = () => [...node.contextsOf('ticketclass')].map((c) => c.context as TicketClassContext);
  scrapeGauge(r, 'tb_queue_waiting', 'Waitroom tickets not yet called (joined, ahead of the cursor, not left), per event', ['event'], () =>
    queues().map((q) => ({ labels: { event: q.eventId }, value: Math.max(0, q.joined - q.cursor - q.skips.length) })),
  );
  scrapeGauge(r, 'tb_queue_admitted', 'Buyers admitted to checkout so far, per event', ['event'], () =>
    queues().map((q) => ({ labels: { event: q.eventId }, value: q.admitted })),
  );
  scrapeGauge(r, 'tb_queue_slots_in_use', 'Checkout slots taken (called or admitted, not finished), per event', ['event'], () =>
    queues().map((q) => ({ labels: { event: q.eventId }, value: Object.keys(q.slots).length })),
  );
  scrapeGauge(r, 'tb_ticketclass_available', 'Tickets left to sell (not sold, not held), per event and class', ['event', 'class'], () =>
    classes().map((c) => ({ labels: { event: c.eventId, class: c.classId }, value: c.total - c.sold - c.reserved })),
  );
  scrapeGauge(r, 'tb_ticketclass_held', 'Tickets held by unpaid orders, per event and class', ['event', 'class'], () =>
    classes().map((c) => ({ labels: { event: c.eventId, class: c.classId }, value: c.reserved })),
  );
  scrapeGauge(r, 'tb_ticketclass_sold', 'Tickets sold, per event and class', ['event', 'class'], () =>
    classes().map((c) => ({ labels: { event: c.eventId, class: c.classId }, value: c.sold })),
  );
}
