/**
 * @module test/db/throwaway-db
 * One private PostgreSQL database per test file: `tb_test_<random>`, created on demand and
 * dropped (with its connections) at the end, so test files can run in parallel. Set
 * `TB_TEST_DATABASE_URL` to point at another server (default: local trust auth).
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** The server tests use; its database part is replaced per test file. */
export const TEST_SERVER_URL = process.env.TB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL of database `name` on the test server. */
export function testDatabaseUrl(name: string): string {
  const u = new URL(TEST_SERVER_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, not yet created, database name. */
export function throwawayName(): string {
  return `tb_test_${randomBytes(6).toString('hex')}`;
}

/**
 * Why PostgreSQL tests must be skipped here, or undefined when the server answers. Under CI
 * (`CI` set) a missing server throws instead: CI must fail, not skip silently.
 */
export async function postgresUnavailable(): Promise<string | undefined> {
  const sql = postgres(testDatabaseUrl('postgres'), { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return undefined;
  } catch (err) {
    const reason = `no PostgreSQL at ${new URL(TEST_SERVER_URL).host} (${(err as Error).message})`;
    // In CI a missing service is a failure, never a silent skip (.ci/run starts PostgreSQL).
    if (process.env.CI) throw new Error(`CI needs PostgreSQL: ${reason}`);
    return `skipped: ${reason}`;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** True when database `name` exists on the test server. */
export async function databaseExists(name: string): Promise<boolean> {
  const sql = postgres(testDatabaseUrl('postgres'), { max: 1, onnotice: () => {} });
  try {
    return (await sql`select 1 from pg_database where datname = ${name}`).length > 0;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Drop database `name` if it exists, disconnecting whoever still uses it. */
export async function dropDatabase(name: string): Promise<void> {
  const sql = postgres(testDatabaseUrl('postgres'), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await sql.end({ timeout: 1 });
  }
}
