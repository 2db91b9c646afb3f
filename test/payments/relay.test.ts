/**
 * @module test/payments/relay.test
 * The payment outbox relay against a real PostgreSQL and a private nats-server: every row is
 * published exactly once (counted on the stream by `Nats-Msg-Id`), NOTIFY wakes it, it retries
 * with backoff while NATS is down (recording the last error), and two relays never publish a row
 * twice. The crash case is `relay-crash.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNull, sql } from 'drizzle-orm';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createDb, paymentOutbox, type DbHandle } from '../../db/index.js';
import { backoffMs, startOutboxRelay } from '../../payments/outbox-relay.js';
import { createPaymentStore, type PaymentStore } from '../../payments/store.js';
import { postgresUnavailable, testDatabaseUrl } from '../db/throwaway-db.js';
import { hasNatsServer } from '../harness/nats.js';
import { log, setupCatalog, waitFor, type CatalogFixture } from '../catalog/setup.js';
import { countByMsgId } from '../actors/events.js';

const skip = !hasNatsServer() ? 'skipped: no nats-server on PATH' : await postgresUnavailable();

const unpublished = async (h: DbHandle) =>
  (await h.db.select({ n: sql<number>`count(*)::int` }).from(paymentOutbox).where(isNull(paymentOutbox.publishedAt)))[0]!.n;
const allIds = async (h: DbHandle) => (await h.db.select({ msgId: paymentOutbox.msgId }).from(paymentOutbox)).map((r) => r.msgId);

describe.skipIf(skip !== undefined)('payment outbox relay', () => {
  let fx: CatalogFixture;
  let store: PaymentStore;
  let seq = 0;
  const createMany = (n: number) =>
    Promise.all(
      Array.from({ length: n }, () => {
        const code = `REL-${++seq}`;
        return store.createPayment({
          orderId: `o-${code}`,
          orderCode: code,
          userId: 'u',
          amountMinor: 1_000,
          currency: 'VND',
          provider: 'sandbox',
        });
      }),
    );
  const expectEachOnce = async () => {
    const counts = await countByMsgId(fx.nc);
    const ids = await allIds(fx.handle);
    expect(ids.filter((id) => counts.get(id) !== 1)).toEqual([]);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
  };

  beforeAll(async () => {
    fx = await setupCatalog();
    store = createPaymentStore(fx.handle.db);
  });
  afterAll(async () => {
    await fx?.dispose();
  });

  it('payments - backoff grows exponentially, is jittered and capped', () => {
    expect(backoffMs(1, 500, 30_000, () => 1)).toBe(500);
    expect(backoffMs(3, 500, 30_000, () => 1)).toBe(2_000);
    expect(backoffMs(3, 500, 30_000, () => 0)).toBe(1_000);
    expect(backoffMs(40, 500, 30_000, () => 1)).toBe(30_000);
  });

  it('payments - the relay publishes every row exactly once', async () => {
    await createMany(300);
    const relay = startOutboxRelay({ db: fx.handle.db, nc: fx.nc, log, batchSize: 64, pollMs: 200 });
    try {
      await waitFor(async () => (await unpublished(fx.handle)) === 0, 30_000, 'all published');
      expect(relay.stats()).toMatchObject({ published: 300, duplicates: 0, failures: 0 });
    } finally {
      await relay.stop();
    }
    await expectEachOnce();
  });

  it('payments - an insert wakes the relay through NOTIFY', async () => {
    const relay = startOutboxRelay({ db: fx.handle.db, nc: fx.nc, log, pollMs: 60_000 });
    try {
      await waitFor(async () => (await unpublished(fx.handle)) === 0, 5_000, 'idle');
      await new Promise((r) => setTimeout(r, 300)); // the relay is now waiting out its 60 s poll
      await createMany(1);
      // The next poll is a minute away: publishing before it can only be the NOTIFY wake-up.
      await waitFor(async () => (await unpublished(fx.handle)) === 0, 30_000, 'woken by NOTIFY');
    } finally {
      await relay.stop();
    }
  });

  it('payments - the relay retries with backoff while NATS is down', async () => {
    const nc = await connect({ servers: fx.server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const relay = startOutboxRelay({
      db: fx.handle.db,
      nc,
      log,
      pollMs: 100,
      publishTimeoutMs: 500,
      backoffBaseMs: 100,
      backoffMaxMs: 800,
    });
    try {
      await waitFor(async () => (await unpublished(fx.handle)) === 0, 5_000, 'idle');
      await fx.server.kill();
      await createMany(20);
      const failing = await waitFor(
        async () => {
          const rows = await fx.handle.db.select().from(paymentOutbox).where(isNull(paymentOutbox.publishedAt));
          return rows.length === 20 && rows.every((r) => r.attempts >= 2 && r.lastError) ? rows : undefined;
        },
        20_000,
        'failed attempts recorded',
      );
      expect(failing[0]!.lastError).toMatch(/\w+/);
      expect(failing.every((r) => r.nextAttemptAt.getTime() > r.createdAt.getTime())).toBe(true);
      await fx.server.restart();
      await waitFor(async () => (await unpublished(fx.handle)) === 0, 30_000, 'published after NATS came back');
      expect(relay.stats().failures).toBeGreaterThanOrEqual(40);
      const published = await fx.handle.db.select().from(paymentOutbox).where(sql`${paymentOutbox.lastError} is not null`);
      expect(published).toEqual([]); // a success clears last_error
    } finally {
      await relay.stop();
      await nc.close();
    }
    await waitFor(
      async () =>
        !fx.nc.isClosed() &&
        (await jetstreamManager(fx.nc).then(
          () => true,
          () => false,
        )),
      20_000,
      'test connection back',
    );
    await expectEachOnce();
  });

  it('payments - two relays concurrently never publish a row twice', async () => {
    const other: DbHandle = createDb(testDatabaseUrl(fx.handle.sql.options.database), { max: 4 });
    await createMany(600);
    const a = startOutboxRelay({ db: fx.handle.db, nc: fx.nc, log, batchSize: 25, pollMs: 50 });
    const b = startOutboxRelay({ db: other.db, nc: fx.nc, log, batchSize: 25, pollMs: 50 });
    try {
      await waitFor(async () => (await unpublished(fx.handle)) === 0, 30_000, 'all published');
      const [sa, sb] = [a.stats(), b.stats()];
      expect(sa.published + sb.published).toBe(600);
      expect(sa.duplicates + sb.duplicates).toBe(0);
      expect(sa.published).toBeGreaterThan(0);
      expect(sb.published).toBeGreaterThan(0);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await other.close();
    }
    await expectEachOnce();
  });
});
