import postgres from 'postgres';
import { randomBytes } from 'node:crypto';
import { decode, Format } from '../contracts/index.js';
import { createActors } from '../actors/client/index.js';
import { Kvm } from '@nats-io/kv';
import { jetstreamManager } from '@nats-io/jetstream';
import { JOURNAL_STREAM, journalSubject } from '../actors/runtime/journal.js';
import { checkinBucketId, checkinBucketOf } from '../actors/checkin/index.js';
import { createTicketSigner, developmentSigningKey, isCodeProblem } from '../tickets/codes.js';
import { createScanBatcher } from '../tickets/scan-batcher.js';
import { drive, parseFlags, printTable, startBenchActorNode, type CaseResult } from './lib.js';
import { cpuSecondsOf } from '../tools/proc-cpu.js';
import { TUNING } from '../config/tuning.js';

const { flags, values } = parseFlags(process.argv.slice(2));
if (flags.has('help')) {
  console.log(
    `usage: npm run bench:checkin -- [--json] [--tickets N (default 20000)] [--gates G (default 8)] [--buckets B (default: the checkinBuckets constant, ${TUNING.checkinBuckets})] [--pg-tickets N (default 5000)]`,
  );
  process.exit(0);
}
const TICKETS = Number(values.get('tickets') ?? 20_000);
const PG_TICKETS = Number(values.get('pg-tickets') ?? 5_000);
const GATES = Number(values.get('gates') ?? 8);
const BUCKETS = Number(values.get('buckets') ?? TUNING.checkinBuckets);
const PARTITIONS = 64;
const EVENT = `ev_bench_${Date.now().toString(36)}`;
const signer = createTicketSigner(developmentSigningKey());
const codes = (n: number) =>
  Array.from({ length: n }, (_, i) => signer.sign({ ticketId: `ord_b${Math.floor(i / 4)}-${(i % 4) + 1}`, eventId: EVENT, classId: 'ga' }));
/** Scan i: ticket ⌊i/2⌋ at gate (i mod G) and, right after, the same ticket at another gate. */
const gateOf = (i: number) => `gate-${(i + Math.floor(i / 2)) % GATES}`;
/** A fresh gateway-side code check per case (its remembered answers start empty in both). */
const codeChecker = () => {
  const gateway = createTicketSigner(developmentSigningKey());
  return (code: string) => {
    const v = gateway.verify(code);
    if (isCodeProblem(v) || v.eventId !== EVENT) throw new Error('code refused');
    return v;
  };
};

/**
 * CPU of the timed window per scan (µs), by part, read from /proc: the machine is shared, so CPU
 * per scan is the steadier comparison of the two designs; ops/s is the measure.
 */
async function cpuDuring<T>(
  parts: () => Record<string, number[]>,
  scans: number,
  run: () => Promise<T>,
): Promise<[T, Record<string, number>]> {
  const read = () => Object.fromEntries(Object.entries(parts()).map(([k, pids]) => [k, pids.reduce((t, p) => t + cpuSecondsOf(p), 0)]));
  const before = read();
  const out = await run();
  const after = read();
  const per: Record<string, number> = {};
  let total = 0;
  for (const k of Object.keys(after)) {
    const us = ((after[k]! - (before[k] ?? 0)) * 1e6) / scans;
    per[`cpu_us_${k}`] = Math.round(us);
    total += us;
  }
  return [out, { cpu_us_per_scan: Math.round(total), ...per }];
}

function tally(wins: Map<string, number>, tickets: number): { double_checkins: number; missed: number } {
  let double = 0;
  for (const n of wins.values()) if (n > 1) double++;
  return { double_checkins: double, missed: tickets - wins.size };
}

async function actorCase(): Promise<CaseResult> {
  process.stderr.write('checkin: starting nats-server and an actor node\n');
  const { nc, client, pids, stop } = await startBenchActorNode('bench-checkin', PARTITIONS);
  try {
    for (let i = 0; ; i++) {
      const ok = await client
        .request('checkin', `${EVENT}-warm`, 'void', { commandId: 'w', eventId: EVENT, ticketIds: ['none'], reason: 'warmup' })
        .then(
          () => true,
          (e) => (i > 200 ? Promise.reject(e) : false),
        );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const all = codes(TICKETS);
    const verified = codeChecker();
    const wins = new Map<string, number>();
    const batcher = createScanBatcher(createActors(client));
    const scan = async (i: number) => {
      const v = verified(all[Math.floor(i / 2)]!);
      const r = await batcher.scan(EVENT, checkinBucketOf(EVENT, v.ticketId, BUCKETS), {
        scanId: `s${i}-${randomBytes(4).toString('hex')}`,
        ticketId: v.ticketId,
        gate: gateOf(i),
        by: 'bench-staff',
      });
      if (r.outcome === 'checkedIn') wins.set(v.ticketId, (wins.get(v.ticketId) ?? 0) + 1);
    };
    const [result, cpu] = await cpuDuring(
      () => ({ bench: [process.pid], actor_node: [pids.node], nats: [pids.nats] }),
      TICKETS * 2,
      () => drive('checkin', TICKETS * 2, 256, scan, 0),
    );
    // How the scans were written: batches (the last journal record's `seq` of each bucket, or the
    // snapshot's when no record follows it), the snapshot size and the size of a journal record.
    const kv = await new Kvm(nc).open('tb_state');
    const jsm = await jetstreamManager(nc);
    let writes = 0;
    let bytes = 0;
    let recordBytes = 0;
    let records = 0;
    for (let k = 0; k < BUCKETS; k++) {
      const id = checkinBucketId(EVENT, k);
      const e = await kv.get(`checkin.${id}`);
      const last = await jsm.streams.getMessage(JOURNAL_STREAM, { last_by_subj: journalSubject('checkin', id) }).catch(() => null);
      const seq = last
        ? (decode(last.data, Format.Msgpack) as { seq: number }).seq
        : e
          ? (decode(e.value, Format.Msgpack) as { seq: number }).seq
          : 0;
      writes += seq;
      if (e) bytes += e.value.length;
      if (last) {
        recordBytes += last.data.length;
        records++;
      }
    }
    return {
      ...result,
      in_flight: 256,
      tickets: TICKETS,
      gates: GATES,
      buckets: BUCKETS,
      ...tally(wins, TICKETS),
      state_writes: writes,
      scans_per_write: Math.round(((TICKETS * 2) / Math.max(1, writes)) * 10) / 10,
      entry_kb_avg: Math.round(bytes / BUCKETS / 102.4) / 10,
      record_bytes_avg: records ? Math.round(recordBytes / records) : null,
      ...cpu,
    };
  } finally {
    await stop();
  }
}

async function pgCase(): Promise<CaseResult> {
  const base = process.env['TB_BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
  const name = `tb_bench_ci_${randomBytes(5).toString('hex')}`;
  const quiet = { onnotice: () => {} };
  const admin = postgres(`${base}/postgres`, { max: 1, ...quiet });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const clients = 64;
  const sql = postgres(`${base}/${name}`, { max: clients, ...quiet });
  try {
    await sql.unsafe(`CREATE TABLE tickets (ticket_id text PRIMARY KEY, event_id text NOT NULL, status text NOT NULL DEFAULT 'valid',
      checked_in_at timestamptz, checked_in_gate text)`);
    const all = codes(PG_TICKETS);
    const toId = codeChecker();
    const ids = all.map((c) => toId(c).ticketId);
    const verified = codeChecker();
    await sql`INSERT INTO tickets (ticket_id, event_id) SELECT unnest(${ids}::text[]), ${EVENT}`;
    await sql.unsafe('ANALYZE tickets');
    const wins = new Map<string, number>();
    const scan = async (i: number) => {
      const v = verified(all[Math.floor(i / 2)]!);
      const won = await sql.begin(async (tx) => {
        const [row] = await tx`SELECT status FROM tickets WHERE ticket_id = ${v.ticketId} AND event_id = ${EVENT} FOR UPDATE`;
        if (row?.['status'] !== 'valid') return false;
        const u =
          await tx`UPDATE tickets SET status = 'checkedIn', checked_in_at = now(), checked_in_gate = ${gateOf(i)} WHERE ticket_id = ${v.ticketId} AND status = 'valid'`;
        return u.count === 1;
      });
      if (won) wins.set(v.ticketId, (wins.get(v.ticketId) ?? 0) + 1);
    };
    // Open every pool connection first, so the window sees every backend.
    await Promise.all(Array.from({ length: clients }, () => sql`select 1`));
    const backends = (await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database()`).map((r) => r.pid);
    const [result, cpu] = await cpuDuring(
      () => ({ bench: [process.pid], postgres: backends }),
      PG_TICKETS * 2,
      () => drive('checkin_pg_row_lock', PG_TICKETS * 2, clients, scan, 0),
    );
    return { ...result, in_flight: clients, tickets: PG_TICKETS, gates: GATES, buckets: null, ...tally(wins, PG_TICKETS), ...cpu };
  } finally {
    await sql.end({ timeout: 5 });
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const rows: CaseResult[] = [await actorCase(), await pgCase()];
rows[0]!.ratio_to_pg_row_lock = Math.round((rows[0]!.ops_per_s / rows[1]!.ops_per_s) * 10) / 10;
// The same comparison in CPU per scan (whole stack: load + node + nats-server, against load + PostgreSQL backends).
rows[0]!.cpu_ratio_to_pg_row_lock =
  Math.round((Number(rows[1]!.cpu_us_per_scan) / Math.max(1, Number(rows[0]!.cpu_us_per_scan))) * 10) / 10;
if (flags.has('json')) {
  for (const r of rows) console.log(JSON.stringify(r));
} else {
  printTable(rows, ['tickets', 'in_flight', 'double_checkins', 'missed']);
  console.log(`\ncheckin / checkin_pg_row_lock = ${rows[0]!.ratio_to_pg_row_lock}x (goal >= 5x)`);
  console.log(
    `CPU per scan: checkin ${rows[0]!.cpu_us_per_scan} µs, checkin_pg_row_lock ${rows[1]!.cpu_us_per_scan} µs (${rows[0]!.cpu_ratio_to_pg_row_lock}x less)`,
  );
  console.log(
    'one op = one scan (Ed25519 verify + check-in); every ticket is scanned twice at two gates; double_checkins and missed must be 0',
  );
}
process.exit(rows.some((r) => r.double_checkins !== 0 || r.missed !== 0 || r.errors !== 0) ? 1 : 0);
