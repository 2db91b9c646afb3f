/**
 * @module db/client
 * Opens the PostgreSQL pool (porsager `postgres`) and the drizzle handle over it, typed by the
 * full schema. One `createDb` per process; `close()` drains the pool and is idempotent.
 */
import postgres, { type Sql } from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import * as schema from './schema/index.js';

/** The drizzle database typed by every table in `db/schema`. */
export type Db = PostgresJsDatabase<typeof schema>;

/** What `createDb` returns: the drizzle handle, the raw `postgres` client, and `close()`. */
export interface DbHandle {
  db: Db;
  /** The underlying porsager client, for the rare raw query (prefer `db`). */
  sql: Sql;
  /** Wait for running queries, then close every connection. Safe to call twice. */
  close(): Promise<void>;
}

/** Pool options; defaults suit one gateway or actor node process. */
export interface CreateDbOptions {
  /** Maximum pool size (default 10). */
  max?: number;
  /** Seconds an idle connection stays open (default 30). */
  idleTimeoutSec?: number;
  /** Seconds to wait for a connection before failing (default 10). */
  connectTimeoutSec?: number;
}

/**
 * Create the pool for `url` (no connection is opened until the first query). Failures surface
 * on the query, and callers wrap them with `wrapDbError`.
 */
export function createDb(url: string, opts: CreateDbOptions = {}): DbHandle {
  const sql = postgres(url, {
    max: opts.max ?? 10,
    idle_timeout: opts.idleTimeoutSec ?? 30,
    connect_timeout: opts.connectTimeoutSec ?? 10,
    onnotice: () => {},
  });
  const db = drizzle(sql, { schema });
  let closing: Promise<void> | undefined;
  return {
    db,
    sql,
    close() {
      closing ??= sql.end({ timeout: 5 });
      return closing;
    },
  };
}
