/**
 * @module actors/node-main
 * Process entry of one actor node (`npm run node`, spawned ×N by `npm start`): connects to NATS,
 * serves the production kinds, serves `/healthz`, `/readyz` and `/metrics` (command latency and
 * the business gauges) on its admin port (9181 + 10 × TB_INSTANCE), and shuts down gracefully
 * on SIGTERM/SIGINT (hand-off, then exit).
 */
import { runService } from '../platform/index.js';
import { ActorNode, type ActorNodeOptions } from './runtime/index.js';
import { productionKinds } from './kinds.js';
import { businessGauges } from './business-metrics.js';

export async function runNode(kindsLoader = productionKinds, options: Pick<ActorNodeOptions, 'afterCommit'> = {}): Promise<void> {
  await runService({
    kind: 'actor-node',
    // The node serves its own admin listener: its readiness is the runtime's.
    admin: false,
    async start({ config, log, nc, adminPort }) {
      const node = new ActorNode({ config, kinds: await kindsLoader(), nc, log, adminPort, ...options });
      businessGauges(node);
      await node.start();
      return {
        stop: () => node.stop(),
        readyFields: { node: node.nodeId, admin: node.adminUrl },
      };
    },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) void runNode();
