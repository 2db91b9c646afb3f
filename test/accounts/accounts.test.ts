/**
 * @module test/accounts/accounts.test
 * The account service against the real PostgreSQL: registration (policy, duplicates, races),
 * sign-in failures that look alike, profile, email verification, soft delete, batch lookup,
 * and that no hash or token leaks into a result or a log line. Sessions: accounts-sessions.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TbError } from '../../contracts/index.js';
import { LogMailer, firstLink, type Accounts } from '../../accounts/index.js';
import { postgresUnavailable } from '../db/throwaway-db.js';
import { PUBLIC_BASE_URL, newUser, recordingLogger, setupAccounts, type AccountsFixture } from './setup.js';

const skip = await postgresUnavailable();
if (skip) console.warn(`test/accounts/accounts.test.ts ${skip}`);

/** Every value returned (and every error body thrown) by the service in this file, scanned for secrets at the end. */
const returned: unknown[] = [];

/** The same service, recording each method's result or error body into `returned`. */
function recording(target: Accounts): Accounts {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const fn = Reflect.get(t, prop, receiver) as unknown;
      if (typeof fn !== 'function') return fn;
      return (...args: unknown[]) =>
        (fn as (...a: unknown[]) => Promise<unknown>).apply(t, args).then(
          (v) => (returned.push(v), v),
          (e: unknown) => {
            returned.push(e instanceof TbError ? e.toBody() : String(e));
            throw e;
          },
        );
    },
  });
}

async function failure(p: Promise<unknown>): Promise<TbError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TbError);
  return err as TbError;
}

describe.skipIf(skip !== undefined)('accounts', () => {
  let f: AccountsFixture;
  let accounts: Accounts;
  beforeAll(async () => {
    f = await setupAccounts();
    accounts = recording(f.accounts);
  });
  afterAll(async () => f?.dispose());

  it('accounts - register then login returns tokens for a normalised email', async () => {
    const u = newUser();
    const user = await accounts.register({ ...u, email: `  ${u.email.toUpperCase()} `, displayName: `  ${u.displayName} ` });
    expect(user).toEqual({
      id: expect.any(String),
      email: u.email,
      displayName: u.displayName,
      emailVerified: false,
      createdAt: new Date(f.clock.ms).toISOString(),
    });
    const session = await accounts.login({ email: u.email.toUpperCase(), password: u.password, userAgent: 'vitest' });
    expect(session).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user });
    expect(session.refreshToken).toMatch(/^tbr_/);
    expect(await accounts.verifyAccessToken(session.accessToken)).toEqual({ userId: user.id, roles: [] });
  });

  it('accounts - duplicate email is refused whatever its letter case', async () => {
    const u = newUser('dup');
    await accounts.register(u);
    const err = await failure(accounts.register({ ...u, email: u.email.replace('dup', 'DuP') }));
    expect(err.code).toBe('ACCOUNT_EMAIL_TAKEN');
    expect(err.status).toBe(409);
  });

  it('accounts - 20 concurrent registrations of one email: exactly one succeeds', async () => {
    const u = newUser('race');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => accounts.register({ ...u, email: i % 2 ? u.email.toUpperCase() : u.email })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as TbError).code] : []));
    expect(ok).toHaveLength(1);
    expect(codes).toEqual(Array(19).fill('ACCOUNT_EMAIL_TAKEN'));
  });

  it('accounts - weak passwords are refused with every reason', async () => {
    const u = newUser('weak');
    const cases: [string, string[]][] = [
      ['short1A', ['too_short']],
      ['alllowercaseletters', ['one_character_class']],
      ['Password123!', ['common_password']],
      [`${u.email.split('@')[0]}-X9`, ['contains_email_name']],
    ];
    for (const [password, reasons] of cases) {
      const err = await failure(accounts.register({ ...u, password }));
      expect(err.code).toBe('ACCOUNT_PASSWORD_TOO_WEAK');
      expect(err.details).toEqual({ reasons });
      expect(err.message).toContain(reasons[0]);
    }
    expect(await accounts.batchLookup([])).toEqual([]);
  });

  it('accounts - unknown email, wrong password and deleted account fail the same way in similar time', async () => {
    const u = newUser('same');
    const gone = newUser('gone');
    await accounts.register(u);
    const goneUser = await accounts.register(gone);
    await accounts.deleteAccount(goneUser.id);
    const timed = async (email: string, password: string) => {
      const t0 = performance.now();
      const err = await failure(accounts.login({ email, password }));
      return { body: err.toBody(), ms: performance.now() - t0 };
    };
    const samples = { unknown: [] as number[], wrong: [] as number[] };
    for (let i = 0; i < 5; i++) {
      const a = await timed(`nobody-${i}@example.com`, u.password);
      const b = await timed(u.email, `${u.password}x`);
      const c = await timed(gone.email, gone.password);
      expect(a.body).toEqual({ code: 'AUTH_INVALID_CREDENTIALS', message: 'The email or password is incorrect', retryable: false });
      expect(b.body).toEqual(a.body);
      expect(c.body).toEqual(a.body);
      samples.unknown.push(a.ms);
      samples.wrong.push(b.ms);
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[2]!;
    const ratio = median(samples.unknown) / median(samples.wrong);
    // Both paths run one Argon2id verification (tens of ms); without the dummy hash the ratio is < 0.1.
    expect(ratio).toBeGreaterThan(0.33);
    expect(ratio).toBeLessThan(3);
  });

  it('accounts - profile can be read and renamed', async () => {
    const user = await accounts.register(newUser('prof'));
    expect(await accounts.getProfile(user.id)).toEqual({ ...user, roles: [] });
    const renamed = await accounts.updateProfile(user.id, { displayName: '  Lan Anh  ' });
    expect(renamed.displayName).toBe('Lan Anh');
    expect((await failure(accounts.getProfile('00000000-0000-4000-8000-000000000000'))).code).toBe('ACCOUNT_NOT_FOUND');
    expect((await failure(accounts.getProfile('not-a-uuid'))).code).toBe('ACCOUNT_NOT_FOUND');
  });

  it('accounts - platform roles are granted idempotently and read fresh by token checks', async () => {
    const u = newUser('admin');
    const user = await accounts.register(u);
    const { accessToken } = await accounts.login(u);
    expect(await accounts.grantPlatformRole(user.id, 'admin')).toEqual(['admin']);
    expect(await accounts.grantPlatformRole(user.id, 'admin')).toEqual(['admin']);
    expect(await accounts.verifyAccessToken(accessToken)).toEqual({ userId: user.id, roles: ['admin'] });
    expect((await accounts.getProfile(user.id)).roles).toEqual(['admin']);
    expect((await failure(accounts.grantPlatformRole(user.id, 'Not A Role'))).code).toBe('COMMAND_INVALID');
  });

  it('accounts - email verification link is single use', async () => {
    const user = await accounts.register(newUser('verify'));
    const { expiresAt } = await accounts.requestEmailVerification(user.id);
    expect(expiresAt).toBe(new Date(f.clock.ms + 24 * 3600_000).toISOString());
    const mail = f.mailer.sent.at(-1)!;
    expect(mail.to).toBe(user.email);
    const link = firstLink(mail)!;
    expect(link.startsWith(`${PUBLIC_BASE_URL}/api/v1/auth/verify-email?token=`)).toBe(true);
    const token = decodeURIComponent(new URL(link).searchParams.get('token')!);
    const verified = await accounts.verifyEmail(token);
    expect(verified).toMatchObject({ id: user.id, emailVerified: true });
    expect((await failure(accounts.verifyEmail(token))).code).toBe('ACCOUNT_VERIFICATION_TOKEN_INVALID');
    expect((await failure(accounts.requestEmailVerification(user.id))).code).toBe('ACCOUNT_EMAIL_ALREADY_VERIFIED');
    expect((await failure(accounts.verifyEmail(`${token.slice(0, -2)}xx`))).code).toBe('ACCOUNT_VERIFICATION_TOKEN_INVALID');
  });

  it('accounts - email verification link expires, and two clicks at once verify once', async () => {
    const user = await accounts.register(newUser('expire'));
    await accounts.requestEmailVerification(user.id);
    const stale = new URL(firstLink(f.mailer.sent.at(-1)!)!).searchParams.get('token')!;
    const start = f.clock.ms;
    f.clock.ms = start + 24 * 3600_000 + 1000;
    try {
      expect((await failure(accounts.verifyEmail(stale))).code).toBe('ACCOUNT_VERIFICATION_TOKEN_EXPIRED');
      await accounts.requestEmailVerification(user.id);
      const fresh = new URL(firstLink(f.mailer.sent.at(-1)!)!).searchParams.get('token')!;
      const both = await Promise.allSettled([accounts.verifyEmail(fresh), accounts.verifyEmail(fresh)]);
      expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await accounts.getProfile(user.id)).emailVerified).toBe(true);
    } finally {
      f.clock.ms = start;
    }
  });

  it('accounts - an access token is not a verification link and vice versa', async () => {
    const u = newUser('cross');
    const user = await accounts.register(u);
    const { accessToken } = await accounts.login(u);
    await accounts.requestEmailVerification(user.id);
    const link = new URL(firstLink(f.mailer.sent.at(-1)!)!).searchParams.get('token')!;
    expect((await failure(accounts.verifyEmail(accessToken))).code).toBe('ACCOUNT_VERIFICATION_TOKEN_INVALID');
    expect((await failure(accounts.verifyAccessToken(link))).code).toBe('AUTH_TOKEN_INVALID');
  });

  it('accounts - soft delete: no sign-in, tokens refused, email free again', async () => {
    const u = newUser('del');
    const user = await accounts.register(u);
    const s = await accounts.login(u);
    await accounts.deleteAccount(user.id);
    expect((await failure(accounts.login(u))).code).toBe('AUTH_INVALID_CREDENTIALS');
    expect((await failure(accounts.verifyAccessToken(s.accessToken))).code).toBe('AUTH_TOKEN_INVALID');
    expect((await failure(accounts.refresh(s.refreshToken))).code).toBe('AUTH_REFRESH_TOKEN_INVALID');
    expect((await failure(accounts.getProfile(user.id))).code).toBe('ACCOUNT_NOT_FOUND');
    expect((await failure(accounts.deleteAccount(user.id))).code).toBe('ACCOUNT_NOT_FOUND');
    expect(await accounts.batchLookup([user.id])).toEqual([]);
    const again = await accounts.register(u);
    expect(again.id).not.toBe(user.id);
  });

  it('accounts - batch lookup returns public fields in request order', async () => {
    const a = await accounts.register(newUser('ba'));
    const b = await accounts.register(newUser('bb'));
    const found = await accounts.batchLookup([b.id, 'junk', a.id.toUpperCase(), b.id, '00000000-0000-4000-8000-000000000000']);
    expect(found).toEqual([b, a]);
    const tooMany = Array.from({ length: 101 }, () => a.id);
    const err = await failure(accounts.batchLookup(tooMany));
    expect(err.code).toBe('ACCOUNT_BATCH_TOO_LARGE');
    expect(err.details).toEqual({ limit: 100, count: 101 });
  });

  it('accounts - LogMailer logs the verification link at info', async () => {
    const log = recordingLogger();
    const svc = f.make({ mailer: new LogMailer(log), log });
    const user = await svc.register(newUser('logmail'));
    await svc.requestEmailVerification(user.id);
    const line = log.lines.find((l) => l.msg?.includes('LogMailer'));
    expect(line?.level).toBe('info');
    expect(JSON.stringify(line?.obj)).toContain(`${PUBLIC_BASE_URL}/api/v1/auth/verify-email?token=`);
  });

  it('accounts - no hash or token in any returned object or log line', async () => {
    const text = JSON.stringify(returned);
    expect(returned.length).toBeGreaterThan(50);
    expect(text).not.toMatch(/argon2|passwordHash|password_hash|tokenHash|token_hash|deletedAt/);
    const logs = JSON.stringify(f.log.lines);
    expect(logs).not.toMatch(/argon2|Blue-kettle|tbr_|eyJ/);
  });
});
