import type { TicketClassView } from '../contracts/kinds/ticketclass.js';
import { createBenchDatabase, pgInventory, type PgStyle } from './pg-reserve.js';
import { drive, parseFlags, printTable, startBenchActorNode, type CaseResult } from './lib.js';

const { flags, values } = parseFlags(process.argv.slice(2));
if (flags.has('help')) {
  console.log(
    'usage: npm run bench:reserve -- [--json] [--ops N (actor, default 40000)] [--pg-ops N (default 4000 row lock, 10x for pg_best)]',
  );
  process.exit(0);
}
const ACTOR_OPS = Number(values.get('ops') ?? 40_000);
const PG_OPS = Number(values.get('pg-ops') ?? 4_000);
const TOTAL = 1_000_000;
const PARTITIONS = 64;
const run = Date.now().toString(36);

async function actorCase(): Promise<CaseResult> {
  process.stderr.write('actor_reserve: starting nats-server and an actor node\n');
  const { client, stop } = await startBenchActorNode('bench-reserve', PARTITIONS);
  try {
    const id = `hot-${run}`;
    const mk = { commandId: 'mk', eventId: 'bench', name: 'GA', priceMinor: 100_000, currency: 'VND', total: TOTAL };
    for (let i = 0; ; i++) {
      const ok = await client.request('ticketclass', id, 'create', mk).then(
        () => true,
        (e) => (i > 200 ? Promise.reject(e) : false),
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    let n = 0;
    const tc = (verb: string, body: Record<string, unknown>) => client.request('ticketclass', id, verb, body);
    const result = await drive('actor_reserve', ACTOR_OPS, 256, async () => {
      const orderId = `o${n++}`;
      await tc('reserve', { commandId: `r${orderId}`, orderId, quantity: 1 });
      await tc('release', { commandId: `x${orderId}`, orderId });
    });
    const v = await client.request<TicketClassView>('ticketclass', id, 'get', { commandId: 'check' });
    // Every op released its hold: no hold and no counter may be left over.
    return {
      ...result,
      in_flight: 256,
      oversold: Math.max(0, v.sold + v.reserved - v.total),
      counters_ok: v.reserved === 0 && v.holdsCount === 0 && v.sold === 0 && v.available === TOTAL,
    };
  } finally {
    await stop();
  }
}

async function pgCase(name: string, style: PgStyle, clients: number, ops: number): Promise<CaseResult> {
  const db = await createBenchDatabase(TOTAL);
  const inv = pgInventory(db.name, style, clients);
  try {
    let n = 0;
    const result = await drive(name, ops, clients, async () => {
      const orderId = `o${n++}`;
      await inv.reserve(orderId, 1);
      await inv.release(orderId);
    });
    const c = await inv.check();
    return {
      ...result,
      in_flight: clients,
      oversold: Math.max(0, c.sold + c.reserved - c.total),
      counters_ok: c.reserved === c.heldQuantity && c.heldRows === 0 && c.sold === 0,
    };
  } finally {
    await inv.close();
    await db.drop();
  }
}

const rows: CaseResult[] = [];
rows.push(await actorCase());
rows.push(await pgCase('pg_row_lock', 'row_lock', 64, PG_OPS));
const best64 = await pgCase('pg_best', 'best', 64, PG_OPS * 10);
const best128 = await pgCase('pg_best', 'best', 128, PG_OPS * 10);
const best = best128.ops_per_s > best64.ops_per_s ? best128 : best64;
best.note = `kept the better of 64 clients (${best64.ops_per_s}/s) and 128 clients (${best128.ops_per_s}/s)`;
rows.push(best);

const actor = rows[0]!.ops_per_s;
const ratio = (r: CaseResult) => Math.round((actor / r.ops_per_s) * 10) / 10;
rows[0]!.ratio_to_pg_row_lock = ratio(rows[1]!);
rows[0]!.ratio_to_pg_best = ratio(best);
if (flags.has('json')) {
  for (const r of rows) console.log(JSON.stringify(r));
} else {
  printTable(rows, ['in_flight', 'oversold', 'counters_ok']);
  console.log(`\n${best.note}`);
  console.log(`actor_reserve / pg_row_lock = ${rows[0]!.ratio_to_pg_row_lock}x (target >= 20x)`);
  console.log(`actor_reserve / pg_best     = ${rows[0]!.ratio_to_pg_best}x (target >= 4x)`);
  console.log('one op = reserve 1 ticket + release it; oversold must be 0 and counters_ok true in every case');
}
process.exit(rows.some((r) => r.oversold !== 0 || r.counters_ok !== true) ? 1 : 0);
