/**
 * @module db/migrate
 * Brings a database to the committed schema: creates the database named in the URL when it is
 * missing, then applies `db/migrations/` with drizzle's migrator. Idempotent, and safe to run
 * from several processes at once (an advisory lock serialises them).
 */
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as drizzleMigrate } from 'drizzle-orm/postgres-js/migrator';
import { PgCode, pgErrorFacts, wrapDbError } from './errors.js';

/** Where the committed SQL and `meta/_journal.json` live (next to this file). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/** Arbitrary but fixed key of the advisory lock that serialises concurrent migrators. */
const MIGRATION_LOCK_KEY = 0x7b_0771e; // "TB bottle"

/** The database name in a connection URL (`/name`), decoded. */
export function databaseNameOf(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (!name) throw new Error(`The database URL names no database: ${redact(databaseUrl)}`);
  return name;
}

/** The same URL pointing at another database (used to reach `postgres` for CREATE DATABASE). */
function withDatabase(databaseUrl: string, name: string): string {
  const u = new URL(databaseUrl);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

/** The URL without its password, for error messages. */
function redact(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  if (u.password) u.password = '***';
  return u.toString();
}

/**
 * Create the database named in `databaseUrl` if it does not exist. Connects to the server's
 * `postgres` database to do so; a concurrent creator winning the race is not an error.
 * @returns true when this call created it.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const name = databaseNameOf(databaseUrl);
  const admin = postgres(withDatabase(databaseUrl, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    const rows = await admin`select 1 from pg_database where datname = ${name}`;
    if (rows.length > 0) return false;
    try {
      await admin.unsafe(`create database "${name.replace(/"/g, '""')}"`);
      return true;
    } catch (err) {
      const code = pgErrorFacts(err)?.code;
      // 42P04: someone else created it between our check and our CREATE; 23505: same race
      // caught by pg_database's unique index.
      if (code === PgCode.DuplicateDatabase || code === PgCode.UniqueViolation) return false;
      throw err;
    }
  } catch (err) {
    throw wrapDbError(err);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/**
 * Create the database if needed, then apply every pending migration in `db/migrations/`.
 * Running it again applies nothing. Throws `StorageUnavailableError` when PostgreSQL cannot be
 * reached and `DbQueryError` when a migration fails (that migration's transaction is rolled back).
 */
export async function migrate(databaseUrl: string): Promise<void> {
  await ensureDatabase(databaseUrl);
  // One connection: the advisory lock and the migrator's transaction share it.
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await drizzleMigrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } catch (err) {
    throw wrapDbError(err);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
