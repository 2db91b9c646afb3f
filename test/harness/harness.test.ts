/**
 * @module test/harness/harness.test
 * Proves the harness itself: a single server answers and keeps its store across restart; a
 * 3-node cluster started from nats.conf elects a meta leader and keeps an R3 KV bucket writable
 * after its stream leader is killed; spawnTs runs a TypeScript entry and sees its log lines.
 */
import { writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { afterAll, describe, expect, it } from 'vitest';
import { hasNatsServer, startNatsCluster, startNatsServer, type NatsClusterHandle, type NatsServerHandle } from './nats.js';
import { spawnTs } from './processes.js';
import { splitNatsUrl } from '../../config/index.js';

const noNats = !hasNatsServer();
if (noNats) console.warn('harness - skipped: no nats-server on PATH');

/** During an election a publish fails with "no responders" (JetStreamNotEnabled) or times out. */
function retryable(e: unknown): boolean {
  const text = e instanceof Error ? `${e.name} ${e.message} ${String(e.cause ?? '')}` : String(e);
  return /no responders|JetStreamNotEnabled|jetstream not enabled|timeout|TimeoutError|unavailable|leader/i.test(text);
}

/** Run `fn` until it succeeds, retrying only election errors, for at most `ms`. */
async function retryFor<T>(ms: number, fn: () => Promise<T>): Promise<{ value: T; attempts: number }> {
  const deadline = Date.now() + ms;
  for (let attempts = 1; ; attempts++) {
    try {
      return { value: await fn(), attempts };
    } catch (e) {
      if (!retryable(e) || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

describe.skipIf(noNats)('harness - nats', () => {
  let server: NatsServerHandle | undefined;
  let cluster: NatsClusterHandle | undefined;
  afterAll(async () => {
    await server?.stop();
    await cluster?.stop();
  });

  it('harness - single server answers with JetStream and keeps its store across restart', async () => {
    server = await startNatsServer();
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    let nc = await connect({ servers: server.url });
    const info = await (await jetstreamManager(nc)).getAccountInfo();
    expect(info.streams).toBe(0);
    const kv = await new Kvm(nc).create('harness');
    await kv.put('k', 'v1');
    await nc.close();

    const oldPid = server.pid;
    await server.restart();
    expect(server.pid).not.toBe(oldPid);
    nc = await connect({ servers: server.url });
    const again = await new Kvm(nc).open('harness');
    expect((await again.get('k'))?.string()).toBe('v1');
    await nc.close();
  });

  it('harness - cluster from nats.conf keeps an R3 KV bucket writable after its leader dies', async () => {
    cluster = await startNatsCluster(3);
    expect(cluster.urls).toHaveLength(3);
    const nc = await connect({ ...splitNatsUrl(cluster.url), maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    try {
      const kv = await new Kvm(nc).create('harness_r3', { replicas: 3 });
      await kv.put('k', 'before');
      const jsm = await jetstreamManager(nc);
      const si = await jsm.streams.info('KV_harness_r3');
      expect(si.config.num_replicas).toBe(3);
      // Kill the bucket's stream leader (server names are n-<i>), to force a re-election.
      const leader = si.cluster?.leader ?? 'n-0';
      const victim = Number(/^n-(\d+)$/.exec(leader)?.[1] ?? 0);
      await cluster.kill(victim);

      const { attempts } = await retryFor(30_000, () => kv.put('k', 'after'));
      // A timed-out put may have committed (unknown outcome): re-read decides. The read goes to
      // the stream leader (STREAM.MSG.GET): kv.get() is a direct get on 2.9, which any replica
      // answers, and a follower that has not applied the put yet answers 'before' (seen in CI).
      const got = await retryFor(30_000, () => jsm.streams.getMessage('KV_harness_r3', { last_by_subj: '$KV.harness_r3.k' }));
      expect(got.value?.string()).toBe('after');
      expect(attempts).toBeGreaterThanOrEqual(1);

      await cluster.restart(victim);
      expect(cluster.servers[victim]!.pid).toBeGreaterThan(0);
    } finally {
      await nc.close();
    }
  });
});

describe('harness - processes', () => {
  it('harness - spawnTs runs a TypeScript entry, sees its lines and its exit code', async () => {
    const file = join(tmpdir(), `tb-harness-child-${process.pid}.mts`);
    writeFileSync(
      file,
      [
        'const who: string = process.env.WHO ?? "nobody";',
        // The handler goes in before "ready" is printed, or a fast stop() races it.
        'process.on("SIGTERM", () => { console.log("bye"); process.exit(3); });',
        'console.log(JSON.stringify({ level: 30, msg: `ready ${who}` }));',
        'setInterval(() => {}, 1000);',
      ].join('\n'),
    );
    const logFile = join(tmpdir(), `tb-harness-child-${process.pid}.log`);
    try {
      const child = spawnTs(file, { name: 'harness-child', env: { WHO: 'harness' }, logFile });
      const line = await child.waitForLine(/ready harness/, 20_000);
      expect(JSON.parse(line).msg).toBe('ready harness');
      expect(await child.stop()).toBe(3);
      expect(child.logTail()).toContain('bye');
      await expect(child.waitForLine(/never printed/, 1_000, { includePast: false })).rejects.toThrow(/exited|no line/);
    } finally {
      rmSync(file, { force: true });
      rmSync(logFile, { force: true });
    }
  });
});
