/**
 * @module db/errors
 * The one place where PostgreSQL / drizzle errors become TicketBottle errors.
 * Invariant: the SQL text is kept on the error for logs (`DbQueryError.query`), but bound
 * parameters are dropped (they may hold password hashes or token hashes) and nothing about
 * the query ever reaches a client body (`toBody()` is the registry's fixed `INTERNAL`).
 */
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { StorageUnavailableError, TbError } from '../contracts/index.js';

/** SQLSTATE codes we branch on. */
export const PgCode = {
  UniqueViolation: '23505',
  ForeignKeyViolation: '23503',
  CheckViolation: '23514',
  SerializationFailure: '40001',
  DeadlockDetected: '40P01',
  DuplicateDatabase: '42P04',
  TooManyConnections: '53300',
  AdminShutdown: '57P01',
  CannotConnectNow: '57P03',
} as const;
export type PgCode = (typeof PgCode)[keyof typeof PgCode];

/** The facts of a PostgreSQL error that callers may branch on (no message text, no params). */
export interface PgErrorFacts {
  /** SQLSTATE, e.g. `23505`; or a socket code such as `ECONNREFUSED`. */
  code: string;
  /** Violated constraint (or index) name, when PostgreSQL reports one. */
  constraint: string | undefined;
}

/** A query failed for a reason that is not the caller's fault; `query` is for logs only. */
export class DbQueryError extends TbError {
  /** The SQL text (no parameters). Log it; never send it to a client. */
  readonly query: string | undefined;
  /** SQLSTATE or socket error code. */
  readonly dbCode: string | undefined;
  constructor(query: string | undefined, dbCode: string | undefined, options: { cause?: unknown } = {}) {
    super('INTERNAL', {}, options);
    this.name = 'DbQueryError';
    this.query = query;
    this.dbCode = dbCode;
  }
}

/** Walk the `cause` chain to the driver's error and read its SQLSTATE and constraint. */
export function pgErrorFacts(err: unknown): PgErrorFacts | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const o = e as { code?: unknown; constraint_name?: unknown; cause?: unknown };
    if (typeof o.code === 'string') {
      return { code: o.code, constraint: typeof o.constraint_name === 'string' ? o.constraint_name : undefined };
    }
    e = o.cause;
  }
  return undefined;
}

/** True when `err` is a unique violation, of `constraint` when one is named. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const f = pgErrorFacts(err);
  return f?.code === PgCode.UniqueViolation && (constraint === undefined || f.constraint === constraint);
}

const UNAVAILABLE = new Set<string>([
  PgCode.TooManyConnections,
  PgCode.AdminShutdown,
  PgCode.CannotConnectNow,
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/** Options of `wrapDbError`: which unique constraints mean which domain error. */
export interface WrapOptions {
  /** Constraint name → the error to throw when that constraint is violated. */
  unique?: Record<string, () => TbError>;
}

/**
 * Turn any error thrown by a query into a `TbError`:
 * a `TbError` passes through; a unique violation named in `opts.unique` becomes the caller's
 * domain error; lost connections and server shutdowns become `StorageUnavailableError`
 * (retryable: whether a write landed is unknown, runtime rule 7: a timeout is an unknown outcome); anything else is `DbQueryError`
 * (`INTERNAL`). The original is always kept as `cause`.
 */
export function wrapDbError(err: unknown, opts: WrapOptions = {}): TbError {
  if (err instanceof TbError) return err;
  const facts = pgErrorFacts(err);
  if (facts?.code === PgCode.UniqueViolation && facts.constraint && opts.unique?.[facts.constraint]) {
    const mapped = opts.unique[facts.constraint]!();
    return mapped;
  }
  if (facts && UNAVAILABLE.has(facts.code)) return new StorageUnavailableError({ cause: err });
  const query = err instanceof DrizzleQueryError ? err.query : undefined;
  // Drop drizzle's wrapper (its message embeds the bound params) and keep only the driver error.
  const cause = err instanceof DrizzleQueryError && err.cause ? err.cause : err;
  return new DbQueryError(query, facts?.code, { cause });
}

/** Run `fn`, rethrowing any failure through `wrapDbError(err, opts)`. */
export async function withDbErrors<T>(fn: () => Promise<T>, opts: WrapOptions = {}): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw wrapDbError(err, opts);
  }
}
