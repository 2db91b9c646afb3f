/**
 * @module bench/stack-cost
 * What a benchmark's timed window cost the whole stack, read from outside every process so the
 * measurement does not change what it measures:
 *   - CPU: utime + stime from `/proc/<pid>/stat` (`tools/proc-cpu.ts`) of every service process
 *     the stack started, of nats-server, and of the PostgreSQL backends connected to the stack's
 *     database (their pids from `pg_stat_activity`, read at both ends of the window; a backend
 *     that exits inside the window loses what it used after the first read). PostgreSQL's
 *     background processes (checkpointer, WAL writer, autovacuum) serve every database on the
 *     shared server and are not counted.
 *   - Counts: actor commands and state writes from the nodes' own Prometheus counters
 *     (`tb_actor_commands_total`, `tb_actor_state_writes_total{result="ok"}`); messages added to
 *     each JetStream stream (`last_seq` from nats-server's `/jsz`: `KV_tb_state` = state puts,
 *     `KV_tb_timers` = timer index puts, `TB_EVENTS` = domain-event publishes, `TB_REPLIES` =
 *     reply-log publishes) and deliveries of its consumers (`delivered.consumer_seq`, with
 *     redeliveries); SQL as `pg_stat_database` transactions (`xact_commit + xact_rollback`: every
 *     autocommit statement is one, a multi-statement transaction also one) and rows
 *     (`tup_fetched`, `tup_inserted + tup_updated + tup_deleted`). `pg_stat_statements` would
 *     count statements but needs `shared_preload_libraries`, which the shared server does not set.
 * `snapshot()` at the start and at the end of a window; `costReport(a, b, n)` gives per-unit
 * figures (`cpu_ms_per_order`, `cpu_ms_<part>`, `<count>_per_order`).
 */
import postgres from 'postgres';
import { cpuSecondsOf } from '../tools/proc-cpu.js';

/** Where to look: process pids by part name, the nats monitor port, node metrics URLs, the database. */
export interface CostSources {
  /** Part name → pids (e.g. `gateway`, `actor_nodes`, `nats`). */
  parts: Record<string, number[]>;
  natsMonitorPort: number;
  nodeMetricsUrls: string[];
  dbUrl: string;
}

export interface CostSnapshot {
  at: number;
  /** Part → pid → CPU seconds. */
  cpu: Record<string, Map<number, number>>;
  counters: Record<string, number>;
}

/** The counters `costReport` prints per unit, in order. */
const COUNTS = [
  'actor_commands',
  'state_writes',
  'state_puts',
  'timer_puts',
  'event_publishes',
  'reply_log_publishes',
  'event_deliveries',
  'sql_xacts',
  'sql_rows_read',
  'sql_rows_written',
] as const;

export function createCostMeter(src: CostSources) {
  const sql = postgres(src.dbUrl, { max: 1, onnotice: () => undefined });

  const pgPids = async (): Promise<number[]> => {
    const rows = await sql<
      Array<{ pid: number }>
    >`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
    return rows.map((r) => r.pid);
  };
  const jsz = async (): Promise<Record<string, number>> => {
    const res = await fetch(`http://127.0.0.1:${src.natsMonitorPort}/jsz?accounts=true&streams=true&consumers=true`);
    const body = (await res.json()) as {
      account_details?: Array<{
        stream_detail?: Array<{
          name: string;
          state: { last_seq: number };
          consumer_detail?: Array<{ delivered: { consumer_seq: number } }>;
        }>;
      }>;
    };
    const out: Record<string, number> = {};
    for (const a of body.account_details ?? []) {
      for (const s of a.stream_detail ?? []) {
        out[`seq:${s.name}`] = (out[`seq:${s.name}`] ?? 0) + s.state.last_seq;
        out[`dlv:${s.name}`] = (out[`dlv:${s.name}`] ?? 0) + (s.consumer_detail ?? []).reduce((t, c) => t + c.delivered.consumer_seq, 0);
      }
    }
    return out;
  };
  const metric = (text: string, name: string, filter = ''): number => {
    let sum = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
      if (filter && !line.includes(filter)) continue;
      sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
    }
    return sum;
  };

  /** Read everything now. `pgPidsAlso` adds backends seen at the other end of the window. */
  const snapshot = async (pgPidsAlso: number[] = []): Promise<CostSnapshot> => {
    // Counters first, CPU last, at both ends: the reads themselves cost little and land in both.
    const [js, texts, db] = await Promise.all([
      jsz(),
      Promise.all(src.nodeMetricsUrls.map(async (u) => (await fetch(u)).text())),
      sql<Array<{ xacts: string; fetched: string; written: string }>>`
        select xact_commit + xact_rollback as xacts, tup_fetched as fetched, tup_inserted + tup_updated + tup_deleted as written
        from pg_stat_database where datname = current_database()`,
    ]);
    const counters: Record<string, number> = {
      actor_commands: texts.reduce((t, x) => t + metric(x, 'tb_actor_commands_total'), 0),
      state_writes: texts.reduce((t, x) => t + metric(x, 'tb_actor_state_writes_total', 'result="ok"'), 0),
      state_puts: js['seq:KV_tb_state'] ?? 0,
      timer_puts: js['seq:KV_tb_timers'] ?? 0,
      event_publishes: js['seq:TB_EVENTS'] ?? 0,
      reply_log_publishes: js['seq:TB_REPLIES'] ?? 0,
      event_deliveries: js['dlv:TB_EVENTS'] ?? 0,
      sql_xacts: Number(db[0]?.xacts ?? 0),
      sql_rows_read: Number(db[0]?.fetched ?? 0),
      sql_rows_written: Number(db[0]?.written ?? 0),
    };
    const pg = [...new Set([...(await pgPids()), ...pgPidsAlso])];
    const cpu: Record<string, Map<number, number>> = {};
    for (const [part, pids] of Object.entries({ ...src.parts, postgres: pg })) {
      cpu[part] = new Map(pids.filter((p) => p > 0).map((p) => [p, cpuSecondsOf(p)]));
    }
    return { at: performance.now(), cpu, counters };
  };

  return {
    snapshot,
    /** The window's second snapshot: includes the PostgreSQL backends the first one saw. */
    end: (start: CostSnapshot) => snapshot([...start.cpu['postgres']!.keys()]),
    close: () => sql.end({ timeout: 1 }),
  };
}

const r2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Per-unit figures between two snapshots: `cpu_ms_per_<unit>` (every part), `cpu_ms_<part>`
 * per unit, `<count>_per_<unit>`, and `cpu_ms_per_s` (the stack's CPU per wall second).
 */
export function costReport(a: CostSnapshot, b: CostSnapshot, units: number, unit = 'order'): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  const parts: Record<string, number> = {};
  for (const [part, pids] of Object.entries(b.cpu)) {
    let s = 0;
    // A pid absent at the start (a new PostgreSQL backend) counts from 0.
    for (const [pid, end] of pids) s += Math.max(0, end - (a.cpu[part]?.get(pid) ?? 0));
    parts[part] = s;
    total += s;
  }
  const per = Math.max(1, units);
  out[`cpu_ms_per_${unit}`] = r2((total * 1000) / per);
  for (const [part, s] of Object.entries(parts)) out[`cpu_ms_${part}`] = r2((s * 1000) / per);
  out['cpu_ms_per_s'] = r2((total * 1000) / Math.max(0.001, (b.at - a.at) / 1000));
  for (const c of COUNTS) out[`${c}_per_${unit}`] = r2(((b.counters[c] ?? 0) - (a.counters[c] ?? 0)) / per);
  return out;
}
