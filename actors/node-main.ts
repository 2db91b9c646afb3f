/**
 * @module actors/node-main
 * Process entry of one actor node (`npm run node`, spawned ×N by `npm start`): connects to NATS,
 * serves the production kinds, and shuts down gracefully on SIGTERM/SIGINT (hand-off, then exit).
 */
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { loadConfig, natsConnectOptions, refuseUnsafeStart } from '../config/index.js';
import { ActorNode, type ActorNodeOptions } from './runtime/index.js';
import { productionKinds } from './kinds.js';

export async function runNode(kindsLoader = productionKinds, options: Pick<ActorNodeOptions, 'afterCommit'> = {}): Promise<void> {
  const config = loadConfig();
  refuseUnsafeStart(config, 'actor-node');
  const log = pino({ level: config.logLevel, name: 'actor-node' });
  // noAsyncTraces: nats.js otherwise builds an Error (stack capture) per request: 17% of a hot node's CPU.
  const nc = await connect({ ...natsConnectOptions(config, `tb-actor-${process.pid}`), maxReconnectAttempts: -1, reconnectTimeWait: 250, noAsyncTraces: true });
  const node = new ActorNode({ config, kinds: await kindsLoader(), nc, log, ...options });
  await node.start();
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    await node.stop().catch((err) => log.error({ err }, 'stop failed'));
    await nc.drain().catch(() => undefined);
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runNode().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
