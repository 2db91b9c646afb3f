/**
 * @module bench/runtime
 * `npm run bench:runtime [-- --json] [--cluster] [--ops N]`: the actor runtime against its own
 * baseline, measured in the same run on fresh servers it starts itself:
 *   nats_echo    raw NATS request-reply to an echo responder process (the machine's limit)
 *   actor_hot    one actor, every command persisted (group commit), through an actor node process
 *   actor_spread 10,000 distinct actors
 *   actor_hot_events / actor_spread_events  the same, each command also emitting one domain event
 *                through the outbox (one acknowledged JetStream publish per command)
 * all with 256 requests in flight. `--cluster` also runs them on a 3-node cluster with
 * replicas 3 and reports them beside. `--json` prints one object per line with at least
 * `name`, `ops_per_s`, `p50_ms`, `p99_ms` (plus `topology`, `ratio_to_echo`, `ops`, `in_flight`).
 */
import { connect } from '@nats-io/transport-node';
import { startNatsServer, startNatsCluster } from '../test/harness/nats.js';
import { spawnTs } from '../test/harness/processes.js';
import { createActorClient } from '../actors/client/index.js';
import { drive, parseFlags, printTable, type CaseResult } from './lib.js';
import { splitNatsUrl } from '../config/index.js';

const { flags, values } = parseFlags(process.argv.slice(2));
if (flags.has('help')) {
  console.log(
    'usage: npm run bench:runtime -- [--json] [--cluster] [--ops N (default 60000)] [--in-flight N (default 256)] [--nodes N (default 2)] [--only CASE]',
  );
  process.exit(0);
}
const OPS = Number(values.get('ops') ?? 60_000);
const IN_FLIGHT = Number(values.get('in-flight') ?? 256);
/** Actor node processes; 2 is what `npm start` runs. A hot actor lives on one of them either way. */
const NODES = Number(values.get('nodes') ?? 2);
const PARTITIONS = 64;
const ONLY = values.get('only'); // run just one case (plus the echo baseline)

async function runTopology(topology: 'single' | 'cluster'): Promise<CaseResult[]> {
  process.stderr.write(`${topology}: starting servers\n`);
  const servers = topology === 'single' ? await startNatsServer() : await startNatsCluster(3);
  const url = servers.url;
  const replicas = topology === 'single' ? '1' : '3';
  const env = {
    TB_NATS_URL: url,
    TB_PARTITIONS: String(PARTITIONS),
    TB_KV_REPLICAS: replicas,
    TB_ADMIN_PORT: '-1',
    TB_LOG_LEVEL: 'warn',
    TB_NODE_ID: `bench-${topology}`,
  };
  const echo = spawnTs('bench/echo-responder.ts', { name: `bench-echo-${topology}`, env });
  const nodeEnv: Record<string, string> = { ...env, TB_LOG_LEVEL: 'info' };
  if (process.env.TB_BENCH_NODE_OPTIONS) nodeEnv.NODE_OPTIONS = process.env.TB_BENCH_NODE_OPTIONS;
  if (process.env.TB_BENCH_PROFILE) nodeEnv.TB_CPU_PROFILE = `${process.env.TB_BENCH_PROFILE}-${topology}.cpuprofile`;
  const nodes = Array.from({ length: NODES }, (_, i) =>
    spawnTs('test/fixtures/counter-node.ts', {
      name: `bench-node-${topology}-${i}`,
      env: {
        ...nodeEnv,
        TB_NODE_ID: `bench-${topology}-${i}`,
        ...(nodeEnv.TB_CPU_PROFILE ? { TB_CPU_PROFILE: `${nodeEnv.TB_CPU_PROFILE}.${i}` } : {}),
      },
    }),
  );
  const nc = await connect({ ...splitNatsUrl(url), noAsyncTraces: true });
  try {
    await echo.waitForLine(/echo responder ready/, 30_000);
    await Promise.all(nodes.map((n) => n.waitForLine(/actor node started/, 60_000)));
    const client = createActorClient(nc, { partitions: PARTITIONS, timeoutMs: 10_000, budgetMs: 30_000 });
    // Wait until the node serves every partition.
    for (let i = 0; i < 200; i++) {
      const ok = await Promise.all(
        Array.from({ length: 64 }, (_, k) =>
          client.request('counter', `warm${k}`, 'add', { commandId: 'w', amount: 0 }).then(
            () => true,
            () => false,
          ),
        ),
      );
      if (ok.every(Boolean)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const payload = new TextEncoder().encode(JSON.stringify({ commandId: 'x'.repeat(16), amount: 1 }));
    const rows: CaseResult[] = [];
    rows.push(await drive('nats_echo', OPS, IN_FLIGHT, () => nc.request('bench.echo', payload, { timeout: 10_000 })));
    const run = `${Date.now().toString(36)}`;
    // `bump`: every command persisted (group commit), no domain event. `add`: the same plus one
    // outbox event per command, published to JetStream with its own acknowledgement.
    const cases: [string, string, (i: number) => string][] = [
      ['actor_hot', 'bump', () => `hot-${run}`],
      ['actor_spread', 'bump', (i) => `s${i % 10_000}-${run}`],
      ['actor_hot_events', 'add', () => `hotev-${run}`],
      ['actor_spread_events', 'add', (i) => `sev${i % 10_000}-${run}`],
    ];
    for (const [name, verb, id] of cases) {
      if (ONLY && ONLY !== name) continue;
      rows.push(await drive(name, OPS, IN_FLIGHT, (i) => client.request('counter', id(i), verb, { commandId: `${name}-${i}`, amount: 1 })));
    }
    // Correctness of the hot case: every acknowledged add is in the state exactly once.
    const hot = await client
      .request<{ value: number; adds: number }>('counter', `hot-${run}`, 'get', { commandId: 'check' })
      .catch(() => ({ value: 0, adds: 0 }));
    const echoRate = rows[0]!.ops_per_s;
    for (const r of rows) {
      r.topology = topology;
      r.nodes = r.name === 'nats_echo' ? 0 : NODES;
      r.ratio_to_echo = Math.round((r.ops_per_s / echoRate) * 100) / 100;
    }
    const hotRow = rows.find((r) => r.name === 'actor_hot');
    if (hotRow) hotRow.state_ok = hot.adds >= OPS - hotRow.errors && hot.value === hot.adds;
    return rows;
  } finally {
    await nc.close();
    await Promise.all([echo.stop(), ...nodes.map((n) => n.stop())]);
    await servers.stop();
  }
}

const results: CaseResult[] = [];
results.push(...(await runTopology('single')));
if (flags.has('cluster')) results.push(...(await runTopology('cluster')));

if (flags.has('json')) {
  for (const r of results) console.log(JSON.stringify(r));
} else {
  printTable(results, ['topology', 'nodes', 'ratio_to_echo']);
  console.log(`\ntargets: actor_hot >= 0.50 x nats_echo with p99 < 50 ms; actor_spread >= 0.30 x nats_echo (same topology, same run)`);
}
process.exit(0);
