/**
 * @module bench/queue
 * `npm run bench:queue [-- --json] [--ops N] [--clients N] [--window S] [--skip fanout,...]`: the
 * waitroom end to end, on servers and processes it starts itself (127.0.0.1 only):
 *   join_nats     joins through the queue service over NATS, 256 in flight (ops_per_s, p99_ms)
 *   join_gateway  joins through the gateway's REST route, 256 in flight, distinct users
 *   admit         slot frees (`complete` sent) → the next user's WebSocket `admitted` (p50/p99)
 *   fanout        15,000 WebSocket clients on ONE gateway process while admissions run at
 *                 200/s: staleness p50/p99, gateway CPU µs per delivered frame, gateway RSS
 *   seed_tick     the classic 1 s / batch-of-10 processor simulated on the same queue (p50/p99)
 * `--json` prints one object per line (`name` plus the fields above; tools read them).
 * Stops by itself: every case is bounded, and a watchdog ends the run after 20 minutes.
 */
import { request as httpRequest, Agent } from 'node:http';
import { drive, parseFlags } from './lib.js';
import { measureAdmit, measureSeedTick } from './queue-latency.js';
import { measureFanout } from './queue-fanout.js';
import { BENCH_JWT_SECRET, startQueueBenchStack } from './queue-stack.js';
import { mintUsers } from '../test/gateway/ws/users.js';

const { flags, values } = parseFlags(process.argv.slice(2));
if (flags.has('help')) {
  console.log(
    'usage: npm run bench:queue -- [--json] [--ops N (20000)] [--clients N (15000)] [--window S (20)] [--rate N (200)] [--skip join_nats,join_gateway,admit,fanout,seed_tick]',
  );
  process.exit(0);
}
const OPS = Number(values.get('ops') ?? 20_000);
const CLIENTS = Number(values.get('clients') ?? 15_000);
const WINDOW = Number(values.get('window') ?? 20);
const RATE = Number(values.get('rate') ?? 200);
const skip = new Set((values.get('skip') ?? '').split(',').filter(Boolean));
const progress = (m: string) => process.stderr.write(`${m}\n`);
const watchdog = setTimeout(() => {
  progress('bench:queue: watchdog: still running after 20 minutes, giving up');
  process.exit(2);
}, 20 * 60_000);
watchdog.unref();

type Row = Record<string, unknown> & { name: string };
const rows: Row[] = [];
const stack = await startQueueBenchStack(progress);
try {
  if (!skip.has('join_nats')) {
    await stack.openEvent('bq-nats', 100);
    let k = 0;
    const r = await drive('join_nats', OPS, 256, () => stack.queue.join('bq-nats', `jn${k++}`));
    rows.push({ name: 'join_nats', ops_per_s: r.ops_per_s, p99_ms: r.p99_ms, p50_ms: r.p50_ms, errors: r.errors });
  }
  if (!skip.has('join_gateway')) {
    await stack.openEvent('bq-gw', 100);
    progress(`join_gateway: minting ${OPS + 2_000} users`);
    const users = await mintUsers(stack.db, BENCH_JWT_SECRET, OPS + 2_000);
    const agent = new Agent({ keepAlive: true, maxSockets: 256 });
    const url = new URL(`${stack.httpUrl}/api/v1/events/bq-gw/queue/join`);
    let k = 0;
    const join = () =>
      new Promise<void>((resolve, reject) => {
        const token = users[k++ % users.length]!.token;
        const req = httpRequest(
          {
            agent,
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-length': 0 },
          },
          (res) => {
            res.resume();
            res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(String(res.statusCode)))));
          },
        );
        req.on('error', reject);
        req.end();
      });
    const r = await drive('join_gateway', OPS, 256, join);
    agent.destroy();
    rows.push({ name: 'join_gateway', ops_per_s: r.ops_per_s, p99_ms: r.p99_ms, p50_ms: r.p50_ms, errors: r.errors });
  }
  const latencyUsers = skip.has('admit') && skip.has('seed_tick') ? [] : await mintUsers(stack.db, BENCH_JWT_SECRET, 2 * 210);
  if (!skip.has('admit')) {
    progress('admit: 200 admissions, one slot freed at a time');
    rows.push({
      name: 'admit',
      ...(await measureAdmit(
        stack,
        latencyUsers.slice(0, 210).map((u) => u.token),
      )),
    });
  }
  if (!skip.has('fanout')) {
    progress(`fanout: minting ${CLIENTS} users and connecting them through worker processes`);
    const users = await mintUsers(stack.db, BENCH_JWT_SECRET, CLIENTS);
    rows.push({
      name: 'fanout',
      ...(await measureFanout(
        stack,
        users.map((u) => u.token),
        { ratePerSec: RATE, windowSec: WINDOW, progress },
      )),
    });
  }
  if (!skip.has('seed_tick')) {
    progress('seed_tick: 200 slot frees at ~8/s, admitted by a 1 s batch-of-10 tick');
    rows.push({
      name: 'seed_tick',
      ...(await measureSeedTick(
        stack,
        latencyUsers.slice(210).map((u) => u.token),
      )),
    });
  }
} finally {
  await stack.stop();
}

if (flags.has('json')) {
  for (const r of rows) console.log(JSON.stringify(r));
} else {
  const cols = [
    'name',
    'ops_per_s',
    'p50_ms',
    'p99_ms',
    'clients',
    'staleness_p50_ms',
    'staleness_p99_ms',
    'cpu_us_per_frame',
    'rss_mb',
    'admissions_per_s',
    'errors',
  ];
  const cell = (r: Row, c: string) => (r[c] === undefined ? '' : String(r[c]));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r, c).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padStart(widths[i]!)).join('  ');
  console.log(line(cols));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(cols.map((c) => cell(r, c))));
  console.log(
    '\ntargets: join_nats >= 10000/s, join_gateway >= 5000/s, admit p99 <= 50 ms, staleness p99 <= 1500 ms, rss <= 512 MiB at 15000 clients',
  );
}
process.exit(0);
