/**
 * @module tools/admin-create
 * `npm run admin:create -- --email ops@example.com [--name "Ops"]`: makes the first platform
 * admin (or any later one) through the account service, so the password policy, hashing and
 * the role grant are the service's own. The password comes from `TB_ADMIN_PASSWORD` or, when that
 * is unset, from standard input (`read -s p; printf %s "$p" | npm run admin:create -- --email …`),
 * never from the command line (it would stay in the shell history and in `ps`).
 *
 * Idempotent: run it again and the account is left as is and still an admin. An existing account
 * becomes an admin only when the given password is its password (proof the operator owns it).
 * Refuses a weak password with the policy's reasons. Exit codes: 0 done, 1 refused, 2 bad usage.
 * Applies the migrations first (as `npm start` does), so it works on a fresh database.
 */
import { parseArgs } from 'node:util';
import { destination, pino } from 'pino';
import { type Accounts, accountsConfigFrom, createAccounts, passwordProblems } from '../accounts/index.js';
import { loadConfig } from '../config/index.js';
import { TbError } from '../contracts/index.js';
import { PLATFORM_ADMIN_ROLE } from '../contracts/kinds/index.js';
import { createDb, migrate } from '../db/index.js';

/** What happened to the account. */
export interface AdminOutcome {
  userId: string;
  /** `created`: a new account; `granted`: an existing account became admin; `unchanged`: it already was. */
  outcome: 'created' | 'granted' | 'unchanged';
  roles: string[];
}

/**
 * Make `email` a platform admin. Throws `ACCOUNT_PASSWORD_TOO_WEAK` (with `details.reasons`) for a
 * weak password, `AUTH_INVALID_CREDENTIALS` when the account exists with another password.
 */
export async function createPlatformAdmin(
  accounts: Accounts,
  input: { email: string; password: string; displayName: string },
): Promise<AdminOutcome> {
  const reasons = passwordProblems(input.password, input.email);
  if (reasons.length > 0) throw new TbError('ACCOUNT_PASSWORD_TOO_WEAK', { reasons });
  let userId: string;
  let created = false;
  try {
    userId = (await accounts.register({ email: input.email, password: input.password, displayName: input.displayName })).id;
    created = true;
  } catch (err) {
    if (!TbError.is(err, 'ACCOUNT_EMAIL_TAKEN')) throw err;
    // The account exists: the operator proves it is theirs by its password; the session is dropped at once.
    const session = await accounts.login({ email: input.email, password: input.password, userAgent: 'admin:create' });
    await accounts.logout(session.refreshToken);
    userId = session.user.id;
  }
  const before = (await accounts.getProfile(userId)).roles;
  const roles = await accounts.grantPlatformRole(userId, PLATFORM_ADMIN_ROLE);
  const outcome = created ? 'created' : before.includes(PLATFORM_ADMIN_ROLE) ? 'unchanged' : 'granted';
  return { userId, outcome, roles };
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new Error('no password: set TB_ADMIN_PASSWORD or pipe it on standard input');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const USAGE = 'usage: npm run admin:create -- --email <email> [--name <display name>]   (password: TB_ADMIN_PASSWORD or standard input)';

async function main(): Promise<number> {
  let args: { email?: string; name?: string };
  try {
    args = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' } }, strict: true }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!args.email) {
    console.error(USAGE);
    return 2;
  }
  const password = process.env['TB_ADMIN_PASSWORD'] || (await readStdin());
  const config = loadConfig();
  await migrate(config.databaseUrl);
  const db = createDb(config.databaseUrl, { max: 2 });
  const accounts = createAccounts({ db: db.db, config: accountsConfigFrom(config), log: pino({ level: 'error' }, destination(2)) });
  try {
    const r = await createPlatformAdmin(accounts, { email: args.email, password, displayName: args.name ?? 'Platform admin' });
    const said = {
      created: 'created the account, a platform admin',
      granted: 'made the existing account a platform admin',
      unchanged: 'already a platform admin; nothing changed',
    };
    console.log(`${args.email}: ${said[r.outcome]} (user ${r.userId}, roles ${r.roles.join(', ')})`);
    return 0;
  } catch (err) {
    if (TbError.is(err, 'ACCOUNT_PASSWORD_TOO_WEAK')) {
      console.error(`refused: the password is too weak (${((err.details?.['reasons'] as string[] | undefined) ?? []).join(', ')})`);
      return 1;
    }
    if (TbError.is(err, 'AUTH_INVALID_CREDENTIALS')) {
      console.error(`refused: ${args.email} already has an account and this is not its password`);
      return 1;
    }
    if (err instanceof TbError && err.status < 500) {
      console.error(`refused: ${err.code}: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
