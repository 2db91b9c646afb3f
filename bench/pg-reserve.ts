/**
 * @module bench/pg-reserve
 * The PostgreSQL baselines of `bench/reserve.ts`: the same hot-ticket-class reservation done
 * the classic way (row lock in an explicit transaction) and the fastest way we could write
 * (one statement per reserve and per release, `synchronous_commit = off`), against a
 * throwaway database created here and dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export type PgStyle = 'row_lock' | 'best';

/** One PostgreSQL baseline: a hot class row, reservation rows, and reserve/release per style. */
export interface PgInventory {
  /** Reserve `quantity` for `orderId` on the hot class; throws `Error('sold out')` when short. */
  reserve(orderId: string, quantity: number): Promise<void>;
  /** Give the order's hold back; a no-op for an order without a live hold. */
  release(orderId: string): Promise<void>;
  /** Counters of the hot class as stored, plus what the reservation rows add up to. */
  check(): Promise<{ total: number; reserved: number; sold: number; heldRows: number; heldQuantity: number }>;
  close(): Promise<void>;
}

const SERVER = process.env.TB_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CLASS = 'hot';
const quiet = { onnotice: () => {} };

function urlOf(db: string): string {
  const u = new URL(SERVER);
  u.pathname = `/${db}`;
  return u.toString();
}

/** Create a fresh database with the schema and one hot class of `total`; returns its name and a dropper. */
export async function createBenchDatabase(total: number): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `tb_bench_${randomBytes(5).toString('hex')}`;
  const admin = postgres(urlOf('postgres'), { max: 1, ...quiet });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const sql = postgres(urlOf(name), { max: 1, ...quiet });
  await sql.unsafe(`
    CREATE TABLE ticket_classes (
      id text PRIMARY KEY, total int NOT NULL, reserved int NOT NULL DEFAULT 0, sold int NOT NULL DEFAULT 0,
      CHECK (reserved >= 0 AND sold >= 0));
    CREATE TABLE reservations (
      order_id text PRIMARY KEY, class_id text NOT NULL REFERENCES ticket_classes(id), quantity int NOT NULL,
      state text NOT NULL, expires_at timestamptz NOT NULL);`);
  await sql`INSERT INTO ticket_classes (id, total) VALUES (${CLASS}, ${total})`;
  await sql.end();
  return {
    name,
    async drop() {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Connect `clients` connections to database `name` and serve reserve/release in `style`. */
export function pgInventory(name: string, style: PgStyle, clients: number): PgInventory {
  const sql = postgres(urlOf(name), {
    max: clients,
    ...quiet,
    // pg_best: commit without waiting for the WAL flush (durability of a single NATS server, which acks before fsync).
    ...(style === 'best' ? { connection: { synchronous_commit: 'off' } } : {}),
  });
  const rowLock: Pick<PgInventory, 'reserve' | 'release'> = {
    async reserve(orderId, quantity) {
      await sql.begin(async (tx) => {
        const [c] = await tx`SELECT total, reserved, sold FROM ticket_classes WHERE id = ${CLASS} FOR UPDATE`;
        if (c!.total - c!.reserved - c!.sold < quantity) throw new Error('sold out');
        await tx`UPDATE ticket_classes SET reserved = reserved + ${quantity} WHERE id = ${CLASS}`;
        await tx`INSERT INTO reservations (order_id, class_id, quantity, state, expires_at)
                 VALUES (${orderId}, ${CLASS}, ${quantity}, 'held', now() + interval '15 minutes')`;
      });
    },
    async release(orderId) {
      await sql.begin(async (tx) => {
        const [r] = await tx`SELECT class_id, quantity FROM reservations WHERE order_id = ${orderId} AND state = 'held' FOR UPDATE`;
        if (!r) return;
        await tx`SELECT 1 FROM ticket_classes WHERE id = ${r.class_id} FOR UPDATE`;
        await tx`UPDATE ticket_classes SET reserved = reserved - ${r.quantity} WHERE id = ${r.class_id}`;
        await tx`UPDATE reservations SET state = 'released' WHERE order_id = ${orderId}`;
      });
    },
  };
  const best: Pick<PgInventory, 'reserve' | 'release'> = {
    async reserve(orderId, quantity) {
      const rows = await sql`
        WITH c AS (UPDATE ticket_classes SET reserved = reserved + ${quantity}
                   WHERE id = ${CLASS} AND total - reserved - sold >= ${quantity} RETURNING id)
        INSERT INTO reservations (order_id, class_id, quantity, state, expires_at)
        SELECT ${orderId}, id, ${quantity}, 'held', now() + interval '15 minutes' FROM c RETURNING order_id`;
      if (rows.length === 0) throw new Error('sold out');
    },
    async release(orderId) {
      await sql`
        WITH r AS (UPDATE reservations SET state = 'released' WHERE order_id = ${orderId} AND state = 'held' RETURNING class_id, quantity)
        UPDATE ticket_classes t SET reserved = t.reserved - r.quantity FROM r WHERE t.id = r.class_id`;
    },
  };
  return {
    ...(style === 'best' ? best : rowLock),
    async check() {
      const [c] = await sql`SELECT total, reserved, sold FROM ticket_classes WHERE id = ${CLASS}`;
      const [h] =
        await sql`SELECT count(*)::int AS n, coalesce(sum(quantity), 0)::int AS q FROM reservations WHERE class_id = ${CLASS} AND state = 'held'`;
      return { total: c!.total, reserved: c!.reserved, sold: c!.sold, heldRows: h!.n, heldQuantity: h!.q };
    },
    close: () => sql.end({ timeout: 5 }),
  };
}
