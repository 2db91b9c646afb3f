/**
 * @module test/actors/helpers
 * Set-up shared by the actor-kind integration tests: an in-process actor node serving the
 * production kinds (`productionKinds()`) with the FAST runtime timings, `refusal()` to look at a
 * refused command's code and details together, and commands with fresh command ids.
 */
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { pino } from 'pino';
import { ActorNode } from '../../actors/runtime/index.js';
import { productionKinds } from '../../actors/kinds.js';
import { TbError } from '../../contracts/index.js';
import type { ActorClient } from '../../actors/client/index.js';
import { testConfig, until } from '../runtime/helpers.js';
import { splitNatsUrl, type Config } from '../../config/index.js';

/** An in-process actor node serving every production kind, owning all partitions before it returns. */
export async function startKindsNode(
  natsUrl: string,
  extra: Partial<Config> = {},
): Promise<{ node: ActorNode; nc: NatsConnection; stop(): Promise<void> }> {
  const nc = await connect({ ...splitNatsUrl(natsUrl) });
  const config = testConfig(natsUrl, extra);
  const node = new ActorNode({ config, kinds: await productionKinds(), nc, log: pino({ level: config.logLevel }) });
  await node.start();
  await until(() => node.ownedPartitions().length === config.partitions, 'node owns all partitions');
  return {
    node,
    nc,
    async stop() {
      await node.stop();
      await nc.close();
    },
  };
}

/**
 * Run `fn` and return the `TbError` it rejects with (fails the test when it resolves or throws
 * anything else), so a test can check `code` and `details` together.
 */
export async function refusal(fn: () => Promise<unknown>): Promise<TbError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof TbError) return err;
    throw err;
  }
  throw new Error('expected a TbError refusal, got a success');
}

let seq = 0;
/** A fresh command id (unique in this test process). */
export const cid = (prefix = 'c') => `${prefix}-${process.pid}-${++seq}`;

/** `client.request` with a fresh command id merged into `body`. */
export function send<R = any>(client: ActorClient, kind: string, id: string, verb: string, body: Record<string, unknown> = {}): Promise<R> {
  return client.request<R>(kind, id, verb, { commandId: cid(verb), ...body });
}
