/**
 * @module tools/rehearse/stack
 * The local all-in-one a rehearsal runs against by default: what `npm start` runs (actor nodes,
 * a gateway, stock watcher, payment relay, payment events, order history, saga worker; the
 * catalog projector is left out, a sale does not read it), but on free ports, with a private
 * nats-server (or a 3-node cluster) and a throwaway PostgreSQL database, all owned by the
 * harness so it can SIGKILL an actor node or a NATS server on cue. `gateways` processes share one
 * port: uWS listens with SO_REUSEPORT, so the kernel spreads connections over them as a load
 * balancer would (one process cannot hold 20,000 buyers' sockets: its file limit here is 20,000).
 * Invariant: `stop()` stops
 * every process started here and drops the database; the test harness kills them on exit too.
 */
import { migrate } from '../../db/index.js';
import { dropDatabase, testDatabaseUrl, throwawayName } from '../../test/db/throwaway-db.js';
import { freePorts, startNatsCluster, startNatsServer, type NatsClusterHandle, type NatsServerHandle } from '../../test/harness/nats.js';
import type { ChildHandle } from '../../app/index.js';
import { startProcessStack } from '../../app/index.js';
import { cpuSecondsOfAll } from '../proc-cpu.js';
import { sleep } from '../../platform/index.js';

/** Secrets the harness sets on the processes it starts (development values, never production). */
export const REHEARSE_SECRETS = {
  jwt: 'rehearse-jwt-secret-rehearse-jwt-secret-0123456789',
  sandbox: 'rehearse-sandbox-secret-rehearse-sandbox-secret-0123',
} as const;

/** A running local all-in-one. */
export interface LocalStack {
  gatewayUrl: string;
  natsUrl: string;
  databaseUrl: string;
  /** Settings the processes were started with (TTLs the checks rely on). */
  env: Record<string, string>;
  /** SIGKILL actor node `i` and start it again after `restartAfterMs`. */
  killActorNode(i: number, restartAfterMs: number): Promise<void>;
  /** SIGKILL NATS node `i` of the cluster and restart it after `restartAfterMs`. */
  killNatsNode(i: number, restartAfterMs: number): Promise<void>;
  /**
   * CPU seconds used so far, by role (processes still alive: a SIGKILLed node's time is lost).
   * Read it before `stop()`.
   */
  cpuSeconds(): Record<'gateways' | 'actor_nodes' | 'workers' | 'nats', number>;
  /** Log files of the processes (for a failed run's report). */
  logs(): string[];
  stop(): Promise<void>;
}

/** Start the stack; `progress` gets one line per step. */
export async function startLocalStack(
  o: { actorNodes: number; gateways: number; cluster: boolean },
  progress: (m: string) => void,
): Promise<LocalStack> {
  progress(o.cluster ? 'starting a 3-node NATS cluster' : 'starting nats-server');
  let single: NatsServerHandle | undefined;
  let cluster: NatsClusterHandle | undefined;
  if (o.cluster) cluster = await startNatsCluster(3);
  else single = await startNatsServer();
  const natsUrl = cluster ? cluster.url : single!.url;
  const dbName = throwawayName();
  const databaseUrl = testDatabaseUrl(dbName);
  progress(`migrating throwaway database ${dbName}`);
  await migrate(databaseUrl);
  const [httpPort] = (await freePorts(1)) as [number];
  const gatewayUrl = `http://127.0.0.1:${httpPort}`;
  const env: Record<string, string> = {
    TB_NATS_URL: natsUrl,
    TB_DATABASE_URL: databaseUrl,
    TB_LOG_LEVEL: 'warn',
    TB_KV_REPLICAS: cluster ? '3' : '1',
    TB_ADMIN_PORT: '-1',
    TB_HTTP_HOST: '127.0.0.1',
    TB_HTTP_PORT: String(httpPort),
    TB_PUBLIC_BASE_URL: gatewayUrl,
    TB_JWT_SECRET: REHEARSE_SECRETS.jwt,
    TB_SANDBOX_PAYMENT_SECRET: REHEARSE_SECRETS.sandbox,
    // One loopback IP plays thousands of buyers: per-IP and per-user limits would throttle the crowd, not test the sale.
    TB_RATE_LIMIT_IP_PER_SEC: '0',
    TB_RATE_LIMIT_USER_PER_SEC: '0',
    TB_RATE_LIMIT_AUTH_IP_PER_MIN: '0',
    TB_WS_UPGRADE_IP_PER_SEC: '0',
    TB_TUNING: JSON.stringify({
      // The crowd runs niced on a shared machine: a buyer whose event loop stalls past uWS's ping
      // margin (16 s at the default 60 s idle timeout) is closed by the liveness check with no close
      // frame, which it cannot tell from a dropped socket (ws_dropped). Measured here at load 40:
      // 342 such closes at 60 s, 0 at 600 s. The rehearsal measures the sale, not the crowd's CPU.
      wsIdleTimeoutSec: 600,
      // Short deadlines so abandoned slots and holds come back within the rehearsal, yet long
      // enough that a buyer on a saturated two-core machine still pays in time.
      queueClaimGraceMs: 5000,
      queueCheckoutTtlMs: 120000,
      orderPaymentTtlMs: 45000,
      orderStepTimeoutMs: 20000,
      orderSagaGraceMs: 1000,
      // Everything shares two cores with the crowd: event-loop pauses of 1-2 s were seen, and a
      // 4 s lease lost under them made partitions bounce mid-sale.
      memberTimeoutMs: 8000,
      leaseTtlMs: 8000,
    }),
  };
  progress(`starting ${o.actorNodes} actor node(s), ${o.gateways} gateway(s) on port ${httpPort} and the workers`);
  const gatewayNames = Array.from({ length: Math.max(1, o.gateways) }, (_, i) => `gateway-${i}`);
  const stack = await startProcessStack({
    env,
    actorNodes: o.actorNodes,
    label: 'rehearse-',
    gateways: gatewayNames.map((name) => ({ name, env: { TB_LOG_LEVEL: 'info' } })),
    // The catalog projector is left out: a sale does not read it.
    workers: ['stock-watcher', 'payment-relay', 'payment-events', 'order-history', 'order-saga', 'tickets'],
    envFor: Object.fromEntries(Array.from({ length: o.actorNodes }, (_, i) => [`node-${i}`, { TB_LOG_LEVEL: 'info' }])),
    awaitWorkers: false,
  });
  const nodes = stack.names.nodes.map((n) => stack.procs.get(n)!);
  const gateways = gatewayNames.map((n) => stack.procs.get(n)!);
  const others = [...gateways, ...stack.names.workers.map((n) => stack.procs.get(n)!)];
  const restarted: ChildHandle[] = [];

  return {
    gatewayUrl,
    natsUrl,
    databaseUrl,
    env,
    async killActorNode(i, restartAfterMs) {
      const n = nodes[i];
      if (!n) throw new RangeError(`no actor node ${i}`);
      n.kill('SIGKILL');
      await n.exited;
      await sleep(restartAfterMs);
      const again = stack.spawn(`node-${i}`, { TB_NODE_ID: `node-${i}-b` }, `node-${i}-restarted`);
      nodes[i] = again;
      restarted.push(n);
    },
    async killNatsNode(i, restartAfterMs) {
      if (!cluster) throw new Error('--kill-nats-node needs --cluster');
      await cluster.kill(i);
      await sleep(restartAfterMs);
      await cluster.restart(i);
    },
    cpuSeconds: () => ({
      gateways: cpuSecondsOfAll(gateways.map((g) => g.pid)),
      actor_nodes: cpuSecondsOfAll(nodes.map((n) => n.pid)),
      workers: cpuSecondsOfAll(others.filter((c) => !gateways.includes(c)).map((c) => c.pid)),
      nats: cpuSecondsOfAll(cluster ? cluster.servers.map((s) => s.pid) : [single!.pid]),
    }),
    logs: () => [...nodes, ...restarted, ...others].map((c) => c.logFile),
    async stop() {
      await Promise.all([...nodes, ...others].map((c) => c.stop()));
      await dropDatabase(dbName).catch(() => undefined);
      await (cluster ? cluster.stop() : single!.stop());
    },
  };
}
