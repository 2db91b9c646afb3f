/**
 * @module bench/lib
 * Shared pieces of the benchmarks: a closed-loop load driver with a fixed number of requests in
 * flight, latency percentiles, progress on stderr, and the two output forms (a table for
 * people, one JSON object per line for tools; the JSON field names are a stable interface), and
 * one actor node on a private nats-server for the benchmarks that compare actors with PostgreSQL.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { createActorClient, type ActorClient } from '../actors/client/index.js';
import { startNatsServer } from '../test/harness/nats.js';
import { spawnTs } from '../test/harness/processes.js';

export interface CaseResult {
  name: string;
  ops: number;
  in_flight: number;
  ops_per_s: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  [extra: string]: unknown;
}

export function percentile(sorted: Float64Array | number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

/**
 * Run `op(i)` `total` times with exactly `inFlight` outstanding (closed loop), after `warmup`
 * untimed ops. Failed ops are counted, not timed.
 */
export async function drive(
  name: string,
  total: number,
  inFlight: number,
  op: (i: number) => Promise<unknown>,
  warmup = Math.min(2_000, total / 10),
): Promise<CaseResult> {
  let next = 0;
  const lanes = async (n: number, limit: number, record?: Float64Array, errs?: { n: number }) => {
    await Promise.all(
      Array.from({ length: n }, async () => {
        for (;;) {
          const i = next++;
          if (i >= limit) return;
          const t0 = performance.now();
          try {
            await op(i);
            if (record) record[i] = performance.now() - t0;
          } catch {
            if (errs) errs.n++;
            if (record) record[i] = Number.NaN;
          }
        }
      }),
    );
  };
  await lanes(inFlight, Math.floor(warmup));
  next = 0;
  const lat = new Float64Array(total);
  const errs = { n: 0 };
  const tty = process.stderr.isTTY;
  const progress = setInterval(
    () => process.stderr.write(tty ? `\r  ${name}: ${next}/${total}   ` : `  ${name}: ${next}/${total}\n`),
    tty ? 500 : 5_000,
  );
  const t0 = performance.now();
  await lanes(inFlight, total, lat, errs);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(progress);
  process.stderr.write(`\r  ${name}: done in ${seconds.toFixed(1)} s          \n`);
  const ok = Float64Array.from(lat.filter((x) => !Number.isNaN(x))).sort();
  return {
    name,
    ops: total,
    in_flight: inFlight,
    ops_per_s: round((total - errs.n) / seconds, 0),
    p50_ms: round(percentile(ok, 0.5)),
    p99_ms: round(percentile(ok, 0.99)),
    errors: errs.n,
  };
}

export function printTable(rows: CaseResult[], extraCols: string[] = []): void {
  const cols = ['name', ...extraCols, 'ops_per_s', 'p50_ms', 'p99_ms', 'errors'];
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padStart(widths[i]!)).join('  ');
  console.log(line(cols));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(cols.map((c) => String(r[c] ?? ''))));
}

export function parseFlags(argv: string[]): { flags: Set<string>; values: Map<string, string> } {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const [k, v] = a.slice(2).split('=', 2);
    if (v !== undefined) values.set(k!, v);
    else if (argv[i + 1] && !argv[i + 1]!.startsWith('--')) values.set(k!, argv[++i]!);
    else flags.add(k!);
  }
  return { flags, values };
}

/** One actor node process (every production kind) on a private nats-server, and a client to it. */
export interface BenchActorNode {
  nc: NatsConnection;
  client: ActorClient;
  /** The node's and nats-server's pids (CPU accounting from /proc). */
  pids: { node: number; nats: number };
  stop(): Promise<void>;
}

/** Start an actor node named `name` with `partitions`; resolves when it serves. */
export async function startBenchActorNode(name: string, partitions: number): Promise<BenchActorNode> {
  const server = await startNatsServer();
  const env = {
    TB_NATS_URL: server.url,
    TB_PARTITIONS: String(partitions),
    TB_KV_REPLICAS: '1',
    TB_ADMIN_PORT: '-1',
    TB_LOG_LEVEL: 'info',
    TB_NODE_ID: name,
  };
  const node = spawnTs('test/fixtures/kinds-node.ts', { name: `${name}-node`, env });
  // noAsyncTraces: the client would otherwise build an Error (stack capture) per request on this shared CPU.
  const nc = await connect({ servers: server.url, noAsyncTraces: true });
  const stop = async () => {
    await nc.close();
    await node.stop();
    await server.stop();
  };
  try {
    await node.waitForLine(/actor node started/, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    nc,
    client: createActorClient(nc, { partitions, timeoutMs: 10_000, budgetMs: 30_000 }),
    pids: { node: node.pid, nats: server.pid },
    stop,
  };
}
