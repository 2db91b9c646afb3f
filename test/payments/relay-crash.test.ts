/**
 * @module test/payments/relay-crash.test
 * The payment relay process (`payments/relay-main.ts`) SIGKILLed while it holds a batch it has
 * already published but not yet marked: its rows are released, a restarted relay publishes them
 * again under the same msg ids, JetStream drops the copies, and every outbox row ends published
 * and stored exactly once. Also: SIGTERM stops the process gracefully.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotNull, isNull, sql } from 'drizzle-orm';
import { jetstreamManager } from '@nats-io/jetstream';
import { EVENTS_STREAM } from '../../contracts/index.js';
import { paymentOutbox, type DbHandle } from '../../db/index.js';
import { createPaymentStore } from '../../payments/store.js';
import { postgresUnavailable, testDatabaseUrl } from '../db/throwaway-db.js';
import { hasNatsServer } from '../harness/nats.js';
import { spawnTs, type ChildHandle } from '../harness/processes.js';
import { setupCatalog, waitFor, type CatalogFixture } from '../catalog/setup.js';
import { countByMsgId } from '../actors/events.js';

const skip = !hasNatsServer() ? 'skipped: no nats-server on PATH' : await postgresUnavailable();

const count = async (h: DbHandle, published: boolean) =>
  (
    await h.db
      .select({ n: sql<number>`count(*)::int` })
      .from(paymentOutbox)
      .where(published ? isNotNull(paymentOutbox.publishedAt) : isNull(paymentOutbox.publishedAt))
  )[0]!.n;

describe.skipIf(skip !== undefined)('payment relay process', () => {
  let fx: CatalogFixture;
  const children: ChildHandle[] = [];
  const spawnRelay = (env: Record<string, string> = {}) => {
    const child = spawnTs('payments/relay-main.ts', {
      name: 'payment-relay',
      env: {
        TB_DATABASE_URL: testDatabaseUrl(fx.handle.sql.options.database),
        TB_NATS_URL: fx.server.url,
        TB_LOG_LEVEL: 'info',
        TB_ADMIN_PORT: '-1',
        TB_TUNING: JSON.stringify({ paymentRelayBatchSize: 100, paymentRelayPollMs: 200 }),
        ...env,
      },
    });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    fx = await setupCatalog();
    const store = createPaymentStore(fx.handle.db);
    for (let i = 0; i < 5; i++) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          store.createPayment({
            orderId: `o-${i}-${j}`,
            orderCode: `CRASH-${i}-${j}`,
            userId: 'u',
            amountMinor: 5_000,
            currency: 'VND',
            provider: 'payos',
          }),
        ),
      );
    }
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await fx?.dispose();
  });

  it('payments - a relay killed mid-batch loses nothing and publishes nothing twice', async () => {
    const first = spawnRelay({ TB_PAYMENT_RELAY_TEST_HOLD_MS: '60000' });
    await first.waitForLine(/payment relay holding batch/, 30_000);
    // The batch is on the stream but not marked in PostgreSQL: the worst moment to die.
    const stored = (await (await jetstreamManager(fx.nc)).streams.info(EVENTS_STREAM)).state.messages;
    expect(stored).toBe(100);
    expect(await count(fx.handle, true)).toBe(0);
    first.kill('SIGKILL');
    await first.exited;

    const second = spawnRelay();
    await waitFor(async () => (await count(fx.handle, false)) === 0, 30_000, 'every row published after the restart');
    const counts = await countByMsgId(fx.nc);
    const ids = (await fx.handle.db.select({ msgId: paymentOutbox.msgId }).from(paymentOutbox)).map((r) => r.msgId);
    expect(ids).toHaveLength(250);
    expect(ids.filter((id) => counts.get(id) !== 1)).toEqual([]);
    expect(counts.size).toBe(250);

    // SIGTERM: a graceful stop with exit code 0.
    expect(await second.stop()).toBe(0);
    await expect(second.waitForLine(/"service":"payment-relay".*"msg":"shutting down"/, 1_000)).resolves.toMatch(/SIGTERM/);
  });
});
