/**
 * @module test/harness/test-stack-base
 * What every in-process test stack starts from (orders, refunds, tickets): its own nats-server, a
 * throwaway migrated database, a quiet logger and one test configuration (8 partitions, fast
 * failure detection, no admin listener, rate limits off, a short saga grace), with the stack's own
 * overrides on top. `close()` ends what it started, after the caller stopped its own parts.
 */
import { pino, type Logger } from 'pino';
import { loadConfig, type Config } from '../../config/index.js';
import { createDb, migrate, type DbHandle } from '../../db/index.js';
import { dropDatabase, testDatabaseUrl, throwawayName } from '../db/throwaway-db.js';
import { startNatsServer, type NatsServerHandle } from './nats.js';

export interface TestStackBase {
  nats: NatsServerHandle;
  dbName: string;
  dbUrl: string;
  db: DbHandle;
  /** Silent unless TB_TEST_LOG names a level. */
  log: Logger;
  cfg: Config;
  /** Close the database pool, drop the database, stop nats-server. */
  close(): Promise<void>;
}

/** Start the base; `config` goes over the test defaults. */
export async function startTestStackBase(config: Partial<Config> = {}, opts: { dbMax?: number } = {}): Promise<TestStackBase> {
  const nats = await startNatsServer();
  const dbName = throwawayName();
  const dbUrl = testDatabaseUrl(dbName);
  await migrate(dbUrl);
  const db = createDb(dbUrl, { max: opts.dbMax ?? 8 });
  const log = pino({ level: process.env['TB_TEST_LOG'] ?? 'silent' });
  const cfg = loadConfig(
    {},
    {
      natsUrl: nats.url,
      partitions: 8,
      adminPort: -1,
      heartbeatMs: 250,
      memberTimeoutMs: 1_500,
      leaseTtlMs: 1_500,
      leaseRenewMs: 300,
      logLevel: process.env['TB_TEST_LOG'] ?? 'warn',
      // One loopback address plays every user: rate limits off (0), the credential routes generous.
      rateLimitIpPerSec: 0,
      rateLimitUserPerSec: 0,
      rateLimitAuthIpPerMin: 60_000,
      rateLimitAuthIpBurst: 10_000,
      orderSagaGraceMs: 500,
      ...config,
    },
  );
  return {
    nats,
    dbName,
    dbUrl,
    db,
    log,
    cfg,
    async close() {
      await db.close();
      await dropDatabase(dbName).catch(() => undefined);
      await nats.stop();
    },
  };
}
