/**
 * @module test/db/migrate.test
 * `migrate(url)` against the real PostgreSQL: it creates a missing database, applies the
 * committed migrations once, and is a no-op (also when run concurrently) afterwards.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, migrate } from '../../db/index.js';
import { databaseExists, dropDatabase, postgresUnavailable, testDatabaseUrl, throwawayName } from './throwaway-db.js';

const skip = await postgresUnavailable();
if (skip) console.warn(`test/db/migrate.test.ts ${skip}`);

const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
const created: string[] = [];

async function inspect(name: string) {
  const sql = postgres(testDatabaseUrl(name), { max: 1, onnotice: () => {} });
  try {
    const applied = await sql`select hash, created_at from drizzle.__drizzle_migrations order by id`;
    const tables = await sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`;
    return { applied: applied.map((r) => `${r.hash}@${r.created_at}`), tables: tables.map((r) => r.table_name as string) };
  } finally {
    await sql.end({ timeout: 1 });
  }
}

describe.skipIf(skip !== undefined)('db - migrate', () => {
  afterAll(async () => {
    for (const name of created) await dropDatabase(name);
  });

  it('db - migrate creates the database when it is missing', async () => {
    const name = throwawayName();
    created.push(name);
    expect(await databaseExists(name)).toBe(false);
    await migrate(testDatabaseUrl(name));
    expect(await databaseExists(name)).toBe(true);
    const { applied, tables } = await inspect(name);
    expect(applied).toHaveLength(journal.entries.length);
    // Every migration's tables exist (the account tables at least; later migrations add more).
    expect(tables).toEqual(expect.arrayContaining(['email_verification_tokens', 'refresh_tokens', 'users']));
  });

  it('db - migrate twice is a no-op', async () => {
    const name = throwawayName();
    created.push(name);
    await migrate(testDatabaseUrl(name));
    const first = await inspect(name);
    await migrate(testDatabaseUrl(name));
    expect(await inspect(name)).toEqual(first);
  });

  it('db - concurrent migrations of a new database apply each migration once', async () => {
    const name = throwawayName();
    created.push(name);
    await Promise.all([1, 2, 3].map(() => migrate(testDatabaseUrl(name))));
    expect((await inspect(name)).applied).toHaveLength(journal.entries.length);
  });

  it('db - the schema stores emails lowercased and unique among live accounts', async () => {
    const name = throwawayName();
    created.push(name);
    await migrate(testDatabaseUrl(name));
    const sql = postgres(testDatabaseUrl(name), { max: 1, onnotice: () => {} });
    try {
      const insert = (email: string) =>
        sql`insert into users (email, display_name, password_hash) values (${email}, 'x', 'h') returning id`;
      await expect(insert('Mixed@Example.com')).rejects.toMatchObject({ code: '23514' });
      const [row] = await insert('a@example.com');
      await expect(insert('a@example.com')).rejects.toMatchObject({ code: '23505', constraint_name: 'users_email_live_uq' });
      await sql`update users set deleted_at = now() where id = ${row!.id}`;
      await insert('a@example.com');
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});
