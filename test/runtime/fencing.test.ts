/**
 * Rule 2 ("a lost compare-and-set means ownership moved") and rule 8 ("two activations at once
 * can happen briefly; correctness comes from fenced writes"): two runtimes are forced to both
 * believe they own the same actor; only one write wins, the other answers RUNTIME_NOT_OWNER and
 * drops its activation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { ensureInfra, type RuntimeInfra } from '../../actors/runtime/infra.js';
import { StateStore } from '../../actors/runtime/store.js';
import { OutboxPublisher } from '../../actors/runtime/outbox.js';
import { ReplyLog } from '../../actors/runtime/reply-log.js';
import { DurableTimers } from '../../actors/runtime/timers.js';
import { Activation, type CommandOutcome } from '../../actors/runtime/activation.js';
import { counterKind } from '../fixtures/counter-kind.js';

let server: NatsServerHandle;
let nc: NatsConnection;
let infra: RuntimeInfra;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  infra = await ensureInfra(nc, { replicas: 1, memberTimeoutMs: 1_000, dedupeWindowMs: 60_000 });
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

const silent = { debug() {}, warn() {}, error() {} };

function runtime(name: string, dropped: string[], conflicts: string[]) {
  return new Activation({
    kind: counterKind as never,
    id: 'contested',
    key: 'counter.contested',
    partition: 0,
    store: new StateStore(infra.state, () => 0),
    leaseValid: () => true, // forced: this runtime believes it owns the partition
    outbox: new OutboxPublisher(infra.js),
    replyLog: new ReplyLog(infra.js, 60_000),
    timers: new DurableTimers(infra.timers, () => undefined),
    dedupeWindowMs: 60_000,
    log: silent,
    onDropped: (_a, reason) => dropped.push(`${name}:${reason}`),
    onConflict: (key) => conflicts.push(`${name}:${key}`),
  });
}

const send = (a: Activation, commandId: string, amount: number) =>
  new Promise<CommandOutcome>((done) => a.enqueue({ t: 'cmd', verb: 'add', cmd: { commandId, amount }, requestId: undefined, done }));

describe('runtime - rule 2: a lost compare-and-set means ownership moved', () => {
  it('two runtimes that both believe they own an actor: one write wins, the other answers retry and drops the actor', async () => {
    const dropped: string[] = [];
    const conflicts: string[] = [];
    const seed = runtime('seed', dropped, conflicts);
    expect((await send(seed, 'seed', 1)).ok).toBe(true);
    // Two runtimes activate the actor and read the same revision (a read-only command loads without writing).
    const a = runtime('A', dropped, conflicts);
    const b = runtime('B', dropped, conflicts);
    const get = (x: Activation) =>
      new Promise<CommandOutcome>((done) => x.enqueue({ t: 'cmd', verb: 'get', cmd: { commandId: 'g' }, requestId: undefined, done }));
    await Promise.all([get(a), get(b)]);
    // Both now write from that revision.
    const [ra, rb] = await Promise.all([send(a, 'race-a', 10), send(b, 'race-b', 100)]);
    const winners = [ra, rb].filter((o) => o.ok);
    const losers = [ra, rb].filter((o) => !o.ok);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0]).toMatchObject({ ok: false, error: { code: 'RUNTIME_NOT_OWNER', retryable: true } });
    expect(conflicts).toHaveLength(1);
    expect(dropped.filter((d) => d.endsWith('write conflict'))).toHaveLength(1);
    // The loser dropped its activation and refuses further commands rather than re-applying blindly.
    const loser = a.isDropped ? a : b;
    expect(loser.isDropped).toBe(true);
    expect(await send(loser, 'late', 1000)).toMatchObject({ ok: false, error: { code: 'RUNTIME_NOT_OWNER' } });
    // The stored state holds the seed and exactly the winner's effect.
    const fresh = runtime('fresh', dropped, conflicts);
    const probe = await get(fresh);
    const expected = 1 + (ra.ok ? 10 : 100);
    expect(probe).toMatchObject({ ok: true, result: { value: expected, adds: 2 } });
  });
});
