/**
 * @module db/errors.test
 * Pure tests of the database error mapping: unique violations map only where the caller asks,
 * connection failures are retryable, and nothing about the query reaches the client body.
 */
import { describe, expect, it } from 'vitest';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { TbError } from '../contracts/index.js';
import { DbQueryError, PgCode, isUniqueViolation, pgErrorFacts, wrapDbError } from './errors.js';

function pgError(code: string, constraint?: string): Error {
  return Object.assign(new Error('duplicate key value violates unique constraint'), { code, constraint_name: constraint });
}

describe('db errors', () => {
  const unique = pgError(PgCode.UniqueViolation, 'users_email_live_uq');
  const wrapped = new DrizzleQueryError('insert into "users" ("email") values ($1)', ['secret-hash'], unique);

  it('reads the SQLSTATE and constraint through the cause chain', () => {
    expect(pgErrorFacts(wrapped)).toEqual({ code: '23505', constraint: 'users_email_live_uq' });
    expect(isUniqueViolation(wrapped)).toBe(true);
    expect(isUniqueViolation(wrapped, 'users_email_live_uq')).toBe(true);
    expect(isUniqueViolation(wrapped, 'other')).toBe(false);
    expect(pgErrorFacts(new Error('plain'))).toBeUndefined();
  });

  it('maps a unique violation to the domain error the caller names', () => {
    const e = wrapDbError(wrapped, { unique: { users_email_live_uq: () => new TbError('ACCOUNT_EMAIL_TAKEN') } });
    expect(e.code).toBe('ACCOUNT_EMAIL_TAKEN');
  });

  it('keeps the query for logs, drops params, and sends clients only INTERNAL', () => {
    const e = wrapDbError(wrapped);
    expect(e).toBeInstanceOf(DbQueryError);
    expect((e as DbQueryError).query).toContain('insert into "users"');
    expect((e as DbQueryError).dbCode).toBe('23505');
    expect(e.cause).toBe(unique);
    const body = JSON.stringify(e.toBody());
    expect(body).not.toContain('users');
    expect(body).not.toContain('secret-hash');
    expect(e.toBody()).toEqual({ code: 'INTERNAL', message: 'Internal error', retryable: false });
  });

  it('maps lost connections to a retryable unavailable error', () => {
    const e = wrapDbError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect(e.code).toBe('RUNTIME_UNAVAILABLE');
    expect(e.retryable).toBe(true);
  });

  it('passes TbErrors through untouched', () => {
    const original = new TbError('ACCOUNT_NOT_FOUND', { userId: 'x' });
    expect(wrapDbError(original)).toBe(original);
  });
});
