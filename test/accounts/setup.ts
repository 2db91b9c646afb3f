/**
 * @module test/accounts/setup
 * A ready account service over a throwaway database, with a movable clock, an in-memory
 * mailer and a log that records every line (so tests can assert what was, and was not, logged).
 */
import { createDb, migrate, type DbHandle } from '../../db/index.js';
import { MemoryMailer, createAccounts, type Accounts, type AccountsLogger } from '../../accounts/index.js';
import { dropDatabase, testDatabaseUrl, throwawayName } from '../db/throwaway-db.js';

/** One recorded log line. */
export interface LogLine {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

/** A logger that keeps every line in `lines`. */
export function recordingLogger(): AccountsLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

export const PUBLIC_BASE_URL = 'https://tickets.example.test';
export const JWT_SECRET = 'test-secret-test-secret-test-secret-0123';

/** Everything a test file needs; `clock.ms` is the service's "now". */
export interface AccountsFixture {
  accounts: Accounts;
  mailer: MemoryMailer;
  log: ReturnType<typeof recordingLogger>;
  clock: { ms: number };
  handle: DbHandle;
  /** Another service instance over the same database (same secret), e.g. with its own mailer. */
  make(overrides?: Partial<Parameters<typeof createAccounts>[0]>): Accounts;
  dispose(): Promise<void>;
}

/** Create the throwaway database, migrate it, and build the service. */
export async function setupAccounts(): Promise<AccountsFixture> {
  const name = throwawayName();
  const url = testDatabaseUrl(name);
  await migrate(url);
  const handle = createDb(url, { max: 25 });
  const mailer = new MemoryMailer();
  const log = recordingLogger();
  const clock = { ms: Date.UTC(2030, 0, 1, 12, 0, 0) };
  const make = (overrides: Partial<Parameters<typeof createAccounts>[0]> = {}) =>
    createAccounts({
      db: handle.db,
      config: { jwtSecret: JWT_SECRET, publicBaseUrl: PUBLIC_BASE_URL },
      mailer,
      log,
      now: () => clock.ms,
      ...overrides,
    });
  return {
    accounts: make(),
    mailer,
    log,
    clock,
    handle,
    make,
    async dispose() {
      await handle.close();
      await dropDatabase(name);
    },
  };
}

let counter = 0;
/** A fresh, unique email and a password that passes the policy. */
export function newUser(prefix = 'user'): { email: string; password: string; displayName: string } {
  counter += 1;
  return {
    email: `${prefix}${counter}.${Date.now().toString(36)}@example.com`,
    password: 'Blue-kettle-42-river',
    displayName: `${prefix} ${counter}`,
  };
}
