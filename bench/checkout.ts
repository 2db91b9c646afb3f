/**
 * @module bench/checkout
 * `npm run bench:checkout [-- --json] [--orders N (2000)] [--buyers N (64)] [--warmup N (200)]`:
 * checkout end to end on the REAL stack, started here on 127.0.0.1 exactly like the e2e tests
 * (`test/e2e/stack.ts`: nats-server, a throwaway PostgreSQL database, 2 actor nodes, the
 * gateway, payment relay, payment-events consumer, order history, saga worker, stock watcher).
 * An event WITHOUT waitroom (so admission does not throttle) with one class of 1,000,000 tickets;
 * `--buyers` closed loops, each order by a buyer of its own (a flash sale; the event's default
 * limit is 10 tickets a buyer), each: `POST /api/v1/orders` → sandbox pay API (delay 0) →
 * wait for the order's `tb.evt.order.<id>.completed` on NATS. Cases (one JSON object per line
 * with `--json`):
 *   checkout               orders_per_s, p50_ms, p99_ms (create → COMPLETED), oversold, errors
 *   callback_to_completed  p50_ms, p99_ms: from the sandbox callback being sent (the pay API's
 *                          `callbackAt`, gateway clock = this machine's) to `order.completed`
 *   idle                   cpu_ms_per_s and cpu_ms_<part> per second of the whole stack doing
 *                          nothing, over `--idle` seconds after the warm-up (0 = skip)
 * `oversold` = max(0, sold + reserved − total) from the ticket class's own state; `sold_ok`
 * says sold equals the tickets of the orders seen COMPLETED. The `checkout` line also says what
 * one order cost over the timed window only (`bench/stack-cost.ts` says how each is read):
 * `cpu_ms_per_order` (every service process, nats-server, the database's PostgreSQL backends),
 * `cpu_ms_<part>` per order, `cpu_ms_bench` (this load generator, not in the total) and counts
 * per order: `actor_commands`, `state_writes` (the nodes' counter) and `state_puts` (tb_state
 * stream), `timer_puts`, `event_publishes`, `reply_log_publishes`, `event_deliveries`,
 * `sql_xacts`, `sql_rows_read`, `sql_rows_written`. Progress on stderr; a watchdog ends the run
 * after 15 minutes.
 */
import type { Subscription } from '@nats-io/nats-core';
import { mintUsers } from '../test/gateway/ws/users.js';
import { apiFor, grantPlatformAdmin, publishEvent, signUp } from '../test/e2e/client.js';
import { E2E_JWT_SECRET, startE2EStack } from '../test/e2e/stack.js';
import { freePorts } from '../test/harness/nats.js';
import { parseFlags, percentile } from './lib.js';
import { costReport, createCostMeter } from './stack-cost.js';

const { flags, values } = parseFlags(process.argv.slice(2));
if (flags.has('help')) {
  console.log('usage: npm run bench:checkout -- [--json] [--orders N (2000)] [--buyers N (64)] [--warmup N (200)] [--idle SECONDS (10)]');
  process.exit(0);
}
const ORDERS = Number(values.get('orders') ?? 2_000);
const BUYERS = Number(values.get('buyers') ?? 64);
const WARMUP = Number(values.get('warmup') ?? 200);
const IDLE_S = Number(values.get('idle') ?? 10);
const TOTAL = 1_000_000;
const progress = (m: string) => process.stderr.write(`${m}\n`);
const watchdog = setTimeout(() => {
  progress('bench:checkout: watchdog: still running after 15 minutes, giving up');
  process.exit(2);
}, 15 * 60_000);
watchdog.unref();
const round = (n: number) => Math.round(n * 100) / 100;

// The nodes serve /metrics so the window's actor commands and state writes can be counted.
const metricPorts = await freePorts(2);
const stack = await startE2EStack({
  progress,
  envFor: { 'node-0': { TB_ADMIN_PORT: String(metricPorts[0]) }, 'node-1': { TB_ADMIN_PORT: String(metricPorts[1]) } },
});
const rows: Array<Record<string, unknown>> = [];
let sub: Subscription | undefined;
const pidsOf = (pred: (name: string) => boolean) => [...stack.procs].filter(([n]) => pred(n)).map(([, c]) => c.pid);
const meter = createCostMeter({
  parts: {
    gateway: pidsOf((n) => n.startsWith('gateway')),
    actor_nodes: pidsOf((n) => n.startsWith('node-')),
    ...Object.fromEntries(
      ['payment-relay', 'payment-events', 'order-history', 'order-saga', 'stock-watcher', 'tickets'].map((n) => [
        n.replace('-', '_'),
        pidsOf((x) => x === n),
      ]),
    ),
    nats: [stack.nats.pid],
  },
  natsMonitorPort: stack.nats.monitorPort,
  nodeMetricsUrls: metricPorts.map((p) => `http://127.0.0.1:${p}/metrics`),
  dbUrl: stack.dbUrl,
});
try {
  const api = apiFor(stack.url);
  const [organizer, admin] = [await signUp(api, 'organizer'), await signUp(api, 'admin')];
  await grantPlatformAdmin(stack.db, admin.id);
  const { eventId, classIds } = await publishEvent(api, organizer, admin, {
    classes: [{ total: TOTAL, priceMinor: 100_000, maxHolds: 10_000 }],
  });
  const classId = classIds[0]!;
  // One buyer per order, as in a flash sale (an event's default limit is 10 tickets a buyer):
  // BUYERS closed loops, each taking the next unused buyer for its next order.
  const buyers = await mintUsers(stack.db, E2E_JWT_SECRET, WARMUP + ORDERS);
  let nextBuyer = 0;

  // order.completed as the order actor publishes it: the moment the order is COMPLETED.
  const waiting = new Map<string, (at: number) => void>();
  const early = new Map<string, number>();
  sub = stack.nc.subscribe('tb.evt.order.*.completed', {
    callback: (_e, m) => {
      const id = m.subject.split('.')[3]!;
      const at = Date.now();
      const w = waiting.get(id);
      if (w) {
        waiting.delete(id);
        w(at);
      } else early.set(id, at);
    },
  });
  const completedAt = (orderId: string) =>
    new Promise<number>((resolve, reject) => {
      const seen = early.get(orderId);
      if (seen !== undefined) {
        early.delete(orderId);
        resolve(seen);
        return;
      }
      const t = setTimeout(() => {
        waiting.delete(orderId);
        reject(new Error(`order ${orderId} not COMPLETED in 30 s`));
      }, 30_000);
      waiting.set(orderId, (at) => {
        clearTimeout(t);
        resolve(at);
      });
    });

  let k = 0;
  let completed = 0;
  const checkout = async (token: string): Promise<{ total: number; cb: number; create: number }> => {
    const t0 = Date.now();
    const r = await api('POST', '/api/v1/orders', { token, key: `b-${k++}`, body: { eventId, lines: [{ classId, quantity: 1 }] } });
    if (r.status !== 201 || r.body.status !== 'PENDING') throw new Error(`create: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    const created = Date.now() - t0;
    const done = completedAt(r.body.orderId);
    const paid = await api('POST', '/api/v1/payments/sandbox/pay', {
      token,
      body: { orderCode: r.body.code, outcome: 'completed', delayMs: 0 },
    });
    if (paid.status !== 202) {
      waiting.delete(r.body.orderId);
      throw new Error(`pay: ${paid.status}`);
    }
    const at = await done;
    completed++;
    return { total: at - t0, cb: at - Number(paid.body.callbackAt), create: created };
  };
  const run = async (n: number, label: string) => {
    const total: number[] = [];
    const cb: number[] = [];
    const create: number[] = [];
    let next = 0;
    let errors = 0;
    let firstError = '';
    const timer = setInterval(() => progress(`  ${label}: ${next}/${n}`), 5_000);
    const cost0 = await meter.snapshot();
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: BUYERS }, async () => {
        while (next < n) {
          next++;
          const b = buyers[nextBuyer++]!;
          try {
            const x = await checkout(b.token);
            total.push(x.total);
            cb.push(x.cb);
            create.push(x.create);
          } catch (err) {
            errors++;
            firstError ||= (err as Error).message;
          }
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const own = process.cpuUsage(own0);
    const cost = costReport(cost0, await meter.end(cost0), total.length);
    clearInterval(timer);
    if (firstError) progress(`  ${label}: ${errors} errors, first: ${firstError}`);
    const bench = Math.round(((own.user + own.system) / 1000 / Math.max(1, total.length)) * 100) / 100;
    return {
      seconds,
      total: total.sort((a, b) => a - b),
      cb: cb.sort((a, b) => a - b),
      create: create.sort((a, b) => a - b),
      errors,
      cost: { ...cost, cpu_ms_bench: bench },
    };
  };

  progress(`warm-up: ${WARMUP} orders`);
  await run(WARMUP, 'warm-up');
  let idle: Record<string, number> | undefined;
  if (IDLE_S > 0) {
    progress(`idle: ${IDLE_S} s with no load`);
    await new Promise((r) => setTimeout(r, 2_000)); // let the warm-up's tail (relay, consumers) settle
    const a = await meter.snapshot();
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    const b = await meter.end(a);
    const perS = costReport(a, b, (b.at - a.at) / 1000, 's');
    idle = Object.fromEntries(Object.entries(perS).filter(([k]) => k.startsWith('cpu_ms_')));
  }
  progress(`checkout: ${ORDERS} orders by ${BUYERS} buyers, each paid through the sandbox`);
  const m = await run(ORDERS, 'checkout');
  await new Promise((r) => setTimeout(r, 1_000));
  const view = (await api('GET', `/api/v1/ticket-classes/${classId}`, { token: organizer.token })).body as {
    sold: number;
    reserved: number;
    total: number;
  };
  rows.push({
    name: 'checkout',
    orders: ORDERS,
    buyers: BUYERS,
    orders_per_s: round(m.total.length / m.seconds),
    p50_ms: percentile(m.total, 0.5),
    p99_ms: percentile(m.total, 0.99),
    oversold: Math.max(0, view.sold + view.reserved - view.total),
    sold: view.sold,
    reserved: view.reserved,
    sold_ok: view.sold === completed,
    errors: m.errors,
    create_p50_ms: percentile(m.create, 0.5),
    create_p99_ms: percentile(m.create, 0.99),
    ...m.cost,
  });
  rows.push({ name: 'callback_to_completed', samples: m.cb.length, p50_ms: percentile(m.cb, 0.5), p99_ms: percentile(m.cb, 0.99) });
  if (idle) rows.push({ name: 'idle', seconds: IDLE_S, ...idle });
} finally {
  sub?.unsubscribe();
  await meter.close().catch(() => undefined);
  await stack.stop();
}

if (flags.has('json')) for (const r of rows) console.log(JSON.stringify(r));
else {
  for (const r of rows)
    console.log(
      Object.entries(r)
        .map(([key, v]) => `${key}=${String(v)}`)
        .join('  '),
    );
  console.log(
    '\ntargets: checkout >= 600 orders/s with p99 <= 250 ms and cpu_ms_per_order <= 4, callback_to_completed p99 <= 100 ms, oversold 0',
  );
}
process.exit(0);
