/**
 * @module test/tools/admin-create.test
 * `npm run admin:create` on real PostgreSQL (a throwaway database), run as the operator runs it:
 * it creates the first platform admin on a fresh database, is idempotent, refuses a weak password
 * (nothing written), makes an existing account admin only with its password, and reads the
 * password from standard input when `TB_ADMIN_PASSWORD` is unset.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { dropDatabase, testDatabaseUrl, throwawayName } from '../db/throwaway-db.js';

const root = resolve(import.meta.dirname, '../..');
const name = throwawayName();
const url = testDatabaseUrl(name);
afterAll(() => dropDatabase(name));

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Run the command as `npm run admin:create -- …` does (tsx), with the password in the env or on stdin. */
function adminCreate(args: string[], password: { env?: string; stdin?: string }): Promise<Run> {
  return new Promise((done) => {
    const env = { ...process.env, TB_DATABASE_URL: url, TB_LOG_LEVEL: 'error' } as Record<string, string>;
    delete env['TB_ADMIN_PASSWORD'];
    if (password.env !== undefined) env['TB_ADMIN_PASSWORD'] = password.env;
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'tools/admin-create.ts', ...args],
      { cwd: root, env },
      (error, out, err) => {
        done({ code: error ? Number(error.code ?? 1) : 0, out: String(out), err: String(err) });
      },
    );
    child.stdin?.end(password.stdin ?? '');
  });
}

async function rolesOf(email: string): Promise<string[][]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ platform_roles: string[] }[]>`select platform_roles from users where lower(email) = lower(${email})`;
    return rows.map((r) => r.platform_roles);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

const STRONG = 'Blue-kettle-42-river';

describe('npm run admin:create', () => {
  it('admin:create - creates the first admin on a fresh database, then is idempotent', async () => {
    const first = await adminCreate(['--email', 'ops@example.com', '--name', 'Ops'], { env: STRONG });
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain('ops@example.com: created the account, a platform admin');
    expect(await rolesOf('ops@example.com')).toEqual([['admin']]);

    const again = await adminCreate(['--email', 'OPS@example.com'], { env: STRONG });
    expect(again.code).toBe(0);
    expect(again.out).toContain('already a platform admin; nothing changed');
    expect(await rolesOf('ops@example.com')).toEqual([['admin']]);
  }, 120_000);

  it('admin:create - refuses a weak password and writes nothing', async () => {
    const weak = await adminCreate(['--email', 'weak@example.com'], { env: 'password123' });
    expect(weak.code).toBe(1);
    expect(weak.err).toContain('refused: the password is too weak');
    expect(weak.err).toContain('common_password');
    expect(await rolesOf('weak@example.com')).toEqual([]);
  }, 120_000);

  it('admin:create - an existing account becomes admin only with its own password (read from stdin)', async () => {
    // An ordinary account: made by the command, then its role taken away as a fixture.
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    const made = await adminCreate(['--email', 'buyer@example.com'], { env: STRONG });
    expect(made.code).toBe(0);
    await sql`update users set platform_roles = '{}' where email = 'buyer@example.com'`;
    await sql.end({ timeout: 1 });
    expect(await rolesOf('buyer@example.com')).toEqual([[]]);

    const wrong = await adminCreate(['--email', 'buyer@example.com'], { stdin: 'Another-strong-99-pass\n' });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('already has an account and this is not its password');
    expect(await rolesOf('buyer@example.com')).toEqual([[]]);

    const right = await adminCreate(['--email', 'buyer@example.com'], { stdin: `${STRONG}\n` });
    expect(right.code).toBe(0);
    expect(right.out).toContain('made the existing account a platform admin');
    expect(await rolesOf('buyer@example.com')).toEqual([['admin']]);
  }, 120_000);

  it('admin:create - without --email it prints the usage and exits 2', async () => {
    const r = await adminCreate([], { env: STRONG });
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage: npm run admin:create -- --email');
  }, 60_000);
});
