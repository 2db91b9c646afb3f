/**
 * @module test/accounts/accounts-sessions.test
 * Sessions against the real PostgreSQL: refresh-token rotation, replay detection (sequential
 * and concurrent), logout, logout everywhere, password change, access-token expiry and tampering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TbError } from '../../contracts/index.js';
import type { Accounts } from '../../accounts/index.js';
import { postgresUnavailable } from '../db/throwaway-db.js';
import { LiveRolesLoader } from '../../accounts/live-roles.js';
import { newUser, setupAccounts, type AccountsFixture } from './setup.js';

const skip = await postgresUnavailable();
if (skip) console.warn(`test/accounts/accounts-sessions.test.ts ${skip}`);

async function code(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TbError);
  return (err as TbError).code;
}

describe.skipIf(skip !== undefined)('accounts sessions', () => {
  let f: AccountsFixture;
  let accounts: Accounts;
  beforeAll(async () => {
    f = await setupAccounts();
    accounts = f.accounts;
  });
  afterAll(async () => f?.dispose());

  async function signedUp(prefix: string) {
    const u = newUser(prefix);
    const user = await accounts.register(u);
    return { u, user, session: await accounts.login(u) };
  }

  it('accounts - refresh rotates: new pair, old refresh token revoked', async () => {
    const { user, session } = await signedUp('rot');
    const next = await accounts.refresh(session.refreshToken);
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect(next.user).toEqual(user);
    expect(await accounts.verifyAccessToken(next.accessToken)).toEqual({ userId: user.id, roles: [] });
    const third = await accounts.refresh(next.refreshToken);
    expect(third.refreshToken).not.toBe(next.refreshToken);
  });

  it('accounts - reuse of a rotated refresh token revokes every session of the user', async () => {
    const { u, session } = await signedUp('reuse');
    const other = await accounts.login(u); // a second device
    const rotated = await accounts.refresh(session.refreshToken);
    expect(await code(accounts.refresh(session.refreshToken))).toBe('AUTH_REFRESH_TOKEN_REUSED');
    expect(await code(accounts.refresh(rotated.refreshToken))).toBe('AUTH_REFRESH_TOKEN_INVALID');
    expect(await code(accounts.refresh(other.refreshToken))).toBe('AUTH_REFRESH_TOKEN_INVALID');
    expect(f.log.lines.some((l) => l.level === 'warn' && l.msg?.includes('reused'))).toBe(true);
    // Signing in again still works: reuse ends sessions, it does not lock the account.
    await accounts.login(u);
  });

  it('accounts - two concurrent refreshes of one token: one wins, the other is a reuse', async () => {
    const { session } = await signedUp('race');
    const results = await Promise.allSettled([accounts.refresh(session.refreshToken), accounts.refresh(session.refreshToken)]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as TbError).code] : []));
    expect(ok).toHaveLength(1);
    expect(failed).toEqual(['AUTH_REFRESH_TOKEN_REUSED']);
  });

  it('accounts - an expired or unknown refresh token is invalid', async () => {
    const { session } = await signedUp('exp');
    expect(await code(accounts.refresh('tbr_nope'))).toBe('AUTH_REFRESH_TOKEN_INVALID');
    expect(await code(accounts.refresh(''))).toBe('AUTH_REFRESH_TOKEN_INVALID');
    const start = f.clock.ms;
    f.clock.ms = start + 30 * 24 * 3600_000 + 1;
    try {
      expect(await code(accounts.refresh(session.refreshToken))).toBe('AUTH_REFRESH_TOKEN_INVALID');
    } finally {
      f.clock.ms = start;
    }
  });

  it('accounts - logout revokes one session, idempotently', async () => {
    const { u, session } = await signedUp('out');
    const other = await accounts.login(u);
    await accounts.logout(session.refreshToken);
    await accounts.logout(session.refreshToken);
    await accounts.logout('tbr_unknown');
    // A logged-out token is dead, but presenting it is not a replay: the other session lives.
    expect(await code(accounts.refresh(session.refreshToken))).toBe('AUTH_REFRESH_TOKEN_INVALID');
    await accounts.refresh(other.refreshToken);
  });

  it('accounts - logout everywhere revokes every session', async () => {
    const { u, user, session } = await signedUp('all');
    const other = await accounts.login(u);
    expect(await accounts.logoutEverywhere(user.id)).toBe(2);
    expect(await code(accounts.refresh(session.refreshToken))).toBe('AUTH_REFRESH_TOKEN_INVALID');
    expect(await code(accounts.refresh(other.refreshToken))).toBe('AUTH_REFRESH_TOKEN_INVALID');
    expect(await accounts.logoutEverywhere(user.id)).toBe(0);
  });

  it('accounts - password change needs the current password and revokes every session', async () => {
    const { u, user, session } = await signedUp('pwd');
    const newPassword = 'Green-teapot-77-lake';
    expect(await code(accounts.changePassword(user.id, { currentPassword: 'Wrong-pass-123', newPassword }))).toBe(
      'AUTH_INVALID_CREDENTIALS',
    );
    expect(await code(accounts.changePassword(user.id, { currentPassword: u.password, newPassword: 'short' }))).toBe(
      'ACCOUNT_PASSWORD_TOO_WEAK',
    );
    await accounts.changePassword(user.id, { currentPassword: u.password, newPassword });
    expect(await code(accounts.refresh(session.refreshToken))).toBe('AUTH_REFRESH_TOKEN_INVALID');
    expect(await code(accounts.login(u))).toBe('AUTH_INVALID_CREDENTIALS');
    await accounts.login({ email: u.email, password: newPassword });
  });

  it('accounts - access tokens expire, and tampered or foreign tokens are invalid', async () => {
    const { user, session } = await signedUp('jwt');
    const start = f.clock.ms;
    f.clock.ms = start + 899_000;
    expect((await accounts.verifyAccessToken(session.accessToken)).userId).toBe(user.id);
    f.clock.ms = start + 901_000;
    try {
      expect(await code(accounts.verifyAccessToken(session.accessToken))).toBe('AUTH_TOKEN_EXPIRED');
    } finally {
      f.clock.ms = start;
    }
    const [h, p, s] = session.accessToken.split('.');
    const forged = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    forged.roles = ['admin'];
    const tampered = `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`;
    expect(await code(accounts.verifyAccessToken(tampered))).toBe('AUTH_TOKEN_INVALID');
    const foreign = f.make({ config: { jwtSecret: 'another-secret-another-secret-0123', publicBaseUrl: 'http://x' } });
    const u2 = newUser('foreign');
    await foreign.register(u2);
    const theirs = await foreign.login(u2);
    expect(await code(accounts.verifyAccessToken(theirs.accessToken))).toBe('AUTH_TOKEN_INVALID');
    expect(await code(accounts.verifyAccessToken('not.a.jwt'))).toBe('AUTH_TOKEN_INVALID');
  });

  it('accounts - createAccounts refuses a short secret and warns about the development one', async () => {
    expect(() => f.make({ config: { jwtSecret: 'short', publicBaseUrl: 'http://x' } })).toThrow(/TB_JWT_SECRET/);
    const { SETTINGS } = await import('../../config/index.js');
    const before = f.log.lines.length;
    f.make({ config: { jwtSecret: SETTINGS.jwtSecret.default, publicBaseUrl: 'http://x' } });
    expect(f.log.lines.slice(before).some((l) => l.level === 'warn' && l.msg?.includes('development JWT secret'))).toBe(true);
  });

  it('accounts - concurrent sign-in checks of many users share a few queries, and a deleted account is refused', async () => {
    const people = await Promise.all(Array.from({ length: 40 }, (_, i) => signedUp(`batch${i}`)));
    const gone = people[0]!;
    await accounts.deleteAccount(gone.user.id);
    const loader = new LiveRolesLoader(f.handle.db);
    const asks = [...people, ...people].map((p) => loader.load(p.user.id));
    const answers = await Promise.all(asks);
    // 80 asks for 40 users: answered by one query (one turn of the event loop).
    expect(loader.queries).toBe(1);
    expect(answers[0]).toBeNull();
    expect(answers[40]).toBeNull();
    for (let i = 1; i < 40; i++) expect([i, answers[i]]).toEqual([i, []]);
    expect(await loader.load('not-a-uuid')).toBeNull();
    // Through the service: the deleted user's token is refused, the others are accepted.
    expect(await code(accounts.verifyAccessToken(gone.session.accessToken))).toBe('AUTH_TOKEN_INVALID');
    const ok = await Promise.all(people.slice(1).map((p) => accounts.verifyAccessToken(p.session.accessToken)));
    expect(ok.map((c) => c.userId)).toEqual(people.slice(1).map((p) => p.user.id));
  });
});
