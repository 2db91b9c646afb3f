/**
 * @module test/runtime/helpers
 * Shared set-up for runtime tests: a config with short timings, an in-process node, node
 * processes running every kind, a client, and who holds an actor's partition lease.
 */
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { pino } from 'pino';
import { loadConfig, type Config, type Tuning, splitNatsUrl } from '../../config/index.js';
import { ActorNode } from '../../actors/runtime/index.js';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { decode, partitionOf } from '../../contracts/index.js';
import { createActorClient } from '../../actors/client/index.js';
import { spawnTs, type ChildHandle } from '../harness/processes.js';
import { counterKind } from '../fixtures/counter-kind.js';

export const FAST: Partial<Config> = {
  partitions: 16,
  heartbeatMs: 250,
  memberTimeoutMs: 1_500,
  leaseTtlMs: 1_500,
  leaseRenewMs: 300,
  adminPort: -1,
  logLevel: process.env.TB_TEST_LOG_LEVEL ?? 'warn',
};

/** Environment for a node child process with the FAST timings. */
export function fastEnv(natsUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TB_NATS_URL: natsUrl,
    TB_PARTITIONS: String(FAST.partitions),
    TB_ADMIN_PORT: '-1',
    TB_LOG_LEVEL: 'info',
    ...withTuning(extra, {
      heartbeatMs: FAST.heartbeatMs!,
      leaseRenewMs: FAST.leaseRenewMs!,
      memberTimeoutMs: FAST.memberTimeoutMs!,
      leaseTtlMs: FAST.leaseTtlMs!,
    }),
  };
}

/**
 * `env` with `tuning` merged into its `TB_TUNING` JSON (the constants of config/tuning.ts that a
 * spawned test process overrides; what `env` already sets there wins).
 */
export function withTuning(env: Record<string, string>, tuning: Partial<Tuning>): Record<string, string> {
  const own = env.TB_TUNING ? (JSON.parse(env.TB_TUNING) as Partial<Tuning>) : {};
  return { ...env, TB_TUNING: JSON.stringify({ ...tuning, ...own }) };
}

export function testConfig(natsUrl: string, extra: Partial<Config> = {}): Config {
  return loadConfig({}, { ...FAST, natsUrl, ...extra });
}

export async function startNode(
  natsUrl: string,
  extra: Partial<Config> = {},
  nodeId?: string,
): Promise<{ node: ActorNode; nc: NatsConnection }> {
  const nc = await connect({ ...splitNatsUrl(natsUrl) });
  const config = testConfig(natsUrl, extra);
  const node = new ActorNode({ config, kinds: [counterKind], nc, nodeId, log: pino({ level: config.logLevel }) });
  await node.start();
  return { node, nc };
}

export async function clientFor(natsUrl: string, partitions = FAST.partitions!) {
  const nc = await connect({ ...splitNatsUrl(natsUrl) });
  return { nc, client: createActorClient(nc, { partitions, timeoutMs: 2_000, budgetMs: 30_000 }) };
}

/** Wait until `pred` holds (polling), or throw with `what`. */
export async function until(pred: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Start one `test/fixtures/kinds-node.ts` process per name (FAST timings) and wait until each serves. */
export async function spawnKindsNodes(natsUrl: string, names: string[], extra: Record<string, string> = {}): Promise<ChildHandle[]> {
  const nodes = names.map((name) =>
    spawnTs('test/fixtures/kinds-node.ts', { name, env: fastEnv(natsUrl, { TB_NODE_ID: name, ...extra }) }),
  );
  await Promise.all(nodes.map((n) => n.waitForLine(/actor node started/, 60_000)));
  return nodes;
}

/** The node holding the partition lease of `<kind>.<id>` right now. */
export async function leaseOwner(nc: NatsConnection, kind: string, id: string): Promise<string | undefined> {
  const kv = await new Kvm(jetstream(nc)).open('tb_leases');
  const e = await kv.get(`p.${partitionOf(kind, id, FAST.partitions!)}`);
  return e?.operation === 'PUT' ? (decode(e.value) as { node: string }).node || undefined : undefined;
}
