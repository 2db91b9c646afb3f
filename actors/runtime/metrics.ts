/**
 * @module actors/runtime/metrics
 * Prometheus metrics of one actor node, in its own registry (tests run several nodes in one
 * process). Served at `/metrics` on the node's admin listener (`node-http.ts`). The business
 * gauges of the kinds the node hosts are added by `actors/business-metrics.ts`.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import { LATENCY_BUCKETS, createRegistry } from '../../platform/index.js';

export function createNodeMetrics(nodeId: string, defaultMetrics = false) {
  const registry = createRegistry({ labels: { node: nodeId }, defaultMetrics });
  return {
    registry,
    commands: new Counter({
      name: 'tb_actor_commands_total',
      help: 'Commands answered, by kind, verb and outcome (ok or error code)',
      labelNames: ['kind', 'verb', 'outcome'],
      registers: [registry],
    }),
    commandSeconds: new Histogram({
      name: 'tb_actor_command_seconds',
      help: 'Seconds from a command reaching its owner node to its answer (mailbox wait, group commit and write included), by kind and verb',
      labelNames: ['kind', 'verb'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'tb_actor_batch_size',
      help: 'Commands per group commit',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers: [registry],
    }),
    writes: new Counter({
      name: 'tb_actor_state_writes_total',
      help: 'State writes, by result',
      labelNames: ['result'],
      registers: [registry],
    }),
    conflicts: new Counter({
      name: 'tb_actor_write_conflicts_total',
      help: 'Fenced writes that lost their compare-and-set',
      registers: [registry],
    }),
    partitions: new Gauge({ name: 'tb_actor_partitions_owned', help: 'Partitions this node owns', registers: [registry] }),
    activations: new Gauge({ name: 'tb_actor_activations', help: 'Actors in memory', registers: [registry] }),
    liveNodes: new Gauge({ name: 'tb_cluster_live_nodes', help: 'Live actor nodes seen by this node', registers: [registry] }),
    leaseLost: new Counter({
      name: 'tb_actor_leases_lost_total',
      help: 'Partitions stopped because their lease was lost',
      registers: [registry],
    }),
  };
}

export type NodeMetrics = ReturnType<typeof createNodeMetrics>;
