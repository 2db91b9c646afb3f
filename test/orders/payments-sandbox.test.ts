/**
 * @module test/orders/payments-sandbox.test
 * End to end on a private nats-server and a throwaway PostgreSQL, over real sockets: the sandbox
 * pay API makes the gateway (acting as the provider) send a signed callback to its own sandbox
 * callback route → inbox row → the payments outbox relay (in-process) publishes
 * `payment.completed` → the payment-events consumer sends `paymentSucceeded` to the `order`
 * actor. Until the real order actor lands, a fake `order` kind (validating the real
 * `OrderCommands` schemas) records the commands it receives. Also: the sandbox page refuses a
 * tampered link, duplicates reach the order once, and a flagged payment becomes visible.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { eq } from 'drizzle-orm';
import { assign, setup } from 'xstate';
import { ActorNode, type ActorKind } from '../../actors/runtime/index.js';
import { loadConfig, type Config } from '../../config/index.js';
import { EVENTS_STREAM, decode } from '../../contracts/index.js';
import { createActorClient, type ActorClient } from '../../actors/client/index.js';
import { OrderCommands } from '../../contracts/kinds/index.js';
import { createDb, flaggedPayments, migrate, paymentInbox, type DbHandle } from '../../db/index.js';
import { createGateway, type Gateway } from '../../gateway/index.js';
import { paymentRoutes } from '../../gateway/routes/index.js';
import { startPaymentEventsConsumer } from '../../orders/payment-events.js';
import type { DurableConsumer } from '../../orders/history.js';
import {
  createPaymentProviders,
  createPaymentStore,
  signSandboxCallback,
  startOutboxRelay,
  type OutboxRelay,
  type PaymentStore,
} from '../../payments/index.js';
import { startNatsServer, hasNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { dropDatabase, postgresUnavailable, testDatabaseUrl, throwawayName } from '../db/throwaway-db.js';
import { log, waitFor } from '../catalog/setup.js';

const skip = !hasNatsServer() ? 'skipped: no nats-server on PATH' : await postgresUnavailable();
const SECRET = 'sandbox-e2e-secret';

type Recorded = { verb: string; cmd: Record<string, unknown> };
const fakeMachine = setup({
  types: { context: {} as { commands: Recorded[] }, events: {} as { type: 'record'; verb: string; cmd: Record<string, unknown> } },
}).createMachine({
  id: 'fakeOrder',
  context: { commands: [] },
  initial: 'open',
  states: {
    open: {
      on: {
        record: { actions: assign({ commands: ({ context, event }) => [...context.commands, { verb: event.verb, cmd: event.cmd }] }) },
      },
    },
  },
});
const rec = (verb: 'paymentSucceeded' | 'paymentFailed' | 'paymentProcessing') => ({
  schema: OrderCommands[verb],
  init: () => ({}),
  toEvent: (cmd: Record<string, unknown>) => ({ type: 'record' as const, verb, cmd }),
  reply: ({ after }: { after: { context: { commands: Recorded[] } } }) => ({ commands: after.context.commands }),
});
/** A stand-in `order` kind that records the payment commands it receives (real command schemas). */
const fakeOrderKind = {
  kind: 'order',
  version: 1,
  machine: fakeMachine,
  handlers: {
    paymentSucceeded: rec('paymentSucceeded'),
    paymentFailed: rec('paymentFailed'),
    paymentProcessing: rec('paymentProcessing'),
    get: {
      schema: OrderCommands.get,
      readOnly: true,
      reply: ({ after }: { after: { context: { commands: Recorded[] } } }) => ({ commands: after.context.commands }),
    },
  },
} as unknown as ActorKind;

describe.skipIf(skip !== undefined)('orders - sandbox payment to order command', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let node: ActorNode;
  let dbName: string;
  let db: DbHandle;
  let gw: Gateway;
  let url: string;
  let store: PaymentStore;
  let relay: OutboxRelay;
  let consumer: DurableConsumer;
  let actors: ActorClient;
  let cfg: Config;
  /** The signed link the sandbox provider hands out for `orderCode` (what the buyer's payment page carries). */
  const linkOf = async (orderCode: string, amountMinor: number) => {
    const created = await createPaymentProviders(cfg)
      .get('sandbox')
      .createPayment(
        { orderCode, amountMinor, currency: 'VND', description: 'd', returnUrl: `${url}/done`, callbackUrl: `${url}/cb` },
        {
          http: async () => {
            throw new Error('no http');
          },
          now: Date.now,
        },
      );
    return Object.fromEntries(new URL(created.paymentUrl).searchParams);
  };
  const commandsOf = async (orderId: string) =>
    (
      await actors
        .request<{ commands: Recorded[] }>('order', orderId, 'get', { commandId: `read-${Date.now()}`, viewerId: 'u1' })
        .catch(() => ({ commands: [] }))
    ).commands;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
    cfg = loadConfig(
      {},
      {
        natsUrl: nats.url,
        partitions: 4,
        adminPort: -1,
        heartbeatMs: 250,
        memberTimeoutMs: 1_500,
        leaseTtlMs: 1_500,
        leaseRenewMs: 300,
        sandboxPaymentSecret: SECRET,
        rateLimitIpPerSec: 0,
        logLevel: 'silent',
      },
    );
    node = new ActorNode({ config: cfg, kinds: [fakeOrderKind], nc, log });
    await node.start();
    dbName = throwawayName();
    await migrate(testDatabaseUrl(dbName));
    db = createDb(testDatabaseUrl(dbName), { max: 6 });
    store = createPaymentStore(db.db);
    const config = { ...cfg };
    gw = createGateway({
      config: cfg,
      log,
      nc: await connect({ servers: nats.url }),
      routes: paymentRoutes({ providers: createPaymentProviders(cfg), store, db: db.db, log, config }),
    });
    url = `http://127.0.0.1:${await gw.listen('127.0.0.1', 0)}`;
    config.sandboxCallbackUrl = `${url}/api/v1/payments/sandbox/callback`;
    relay = startOutboxRelay({ db: db.db, nc, log, pollMs: 200 });
    actors = createActorClient(nc, { partitions: cfg.partitions });
    consumer = startPaymentEventsConsumer({ nc, db: db.db, actors, log, retryDelayMs: 200, name: 'order-payments-test' });
  });
  afterAll(async () => {
    await consumer?.stop();
    await relay?.stop();
    await gw?.close();
    await node?.stop().catch(() => undefined);
    await nc?.close();
    await db?.close();
    if (dbName) await dropDatabase(dbName).catch(() => undefined);
    await nats?.stop();
  });

  it('orders - sandbox pay sends a signed callback that ends as one paymentSucceeded on the order', async () => {
    const { payment } = await store.createPayment({
      orderId: 'ord_e2e1',
      orderCode: '777001',
      userId: 'u1',
      amountMinor: 150_000,
      currency: 'VND',
      provider: 'sandbox',
    });
    const res = await fetch(`${url}/api/v1/payments/sandbox/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderCode: '777001', outcome: 'completed', delayMs: 50, link: await linkOf('777001', 150_000) }),
    });
    expect(res.status).toBe(202);
    const paid = (await res.json()) as { providerTxnId: string; amountMinor: number };
    expect(paid.amountMinor).toBe(150_000);
    await waitFor(
      async () => (await db.db.select().from(paymentInbox).where(eq(paymentInbox.providerTxnId, paid.providerTxnId)))[0],
      10_000,
      'inbox row',
    );
    const jsm = await jetstreamManager(nc);
    const msg = await waitFor(
      () => jsm.streams.getMessage(EVENTS_STREAM, { last_by_subj: 'tb.evt.payment.777001.completed' }).catch(() => undefined),
      10_000,
      'payment.completed on the stream',
    );
    expect(decode(msg.data)).toMatchObject({ type: 'payment.completed', data: { paymentId: payment.id, orderId: 'ord_e2e1' } });
    const cmds = await waitFor(
      async () => {
        const c = await commandsOf('ord_e2e1');
        return c.length > 0 ? c : undefined;
      },
      15_000,
      'order command',
    );
    expect(cmds).toEqual([
      {
        verb: 'paymentSucceeded',
        cmd: {
          commandId: `payment:${paid.providerTxnId}:completed`,
          paymentId: payment.id,
          providerTxnId: paid.providerTxnId,
          amountMinor: 150_000,
          currency: 'VND',
        },
      },
    ]);
    // The provider sends the same callback again: answered as a duplicate, the order hears nothing new.
    const again = signSandboxCallback(SECRET, {
      providerTxnId: paid.providerTxnId,
      orderCode: '777001',
      amountMinor: 150_000,
      currency: 'VND',
      outcome: 'completed',
      paidAt: 1,
    });
    const dup = await fetch(`${url}/api/v1/payments/sandbox/callback`, { method: 'POST', headers: again.headers, body: again.body });
    expect(await dup.json()).toEqual({ ok: true, duplicate: true });
    await new Promise((r) => setTimeout(r, 800));
    expect(await commandsOf('ord_e2e1')).toHaveLength(1);
  });

  it('orders - sandbox failure reaches the order as paymentFailed', async () => {
    await store.createPayment({
      orderId: 'ord_e2e2',
      orderCode: '777002',
      userId: 'u1',
      amountMinor: 90_000,
      currency: 'VND',
      provider: 'sandbox',
    });
    const res = await fetch(`${url}/api/v1/payments/sandbox/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderCode: '777002', outcome: 'failed', link: await linkOf('777002', 90_000) }),
    });
    const { providerTxnId } = (await res.json()) as { providerTxnId: string };
    const cmds = await waitFor(
      async () => {
        const c = await commandsOf('ord_e2e2');
        return c.length > 0 ? c : undefined;
      },
      15_000,
      'order command',
    );
    expect(cmds[0]).toMatchObject({ verb: 'paymentFailed', cmd: { commandId: `payment:${providerTxnId}:failed` } });
  });

  it('orders - a flagged payment is recorded for operators and never sent to the order', async () => {
    const { payment } = await store.createPayment({
      orderId: 'ord_e2e3',
      orderCode: '777003',
      userId: 'u1',
      amountMinor: 50_000,
      currency: 'VND',
      provider: 'sandbox',
    });
    const s = signSandboxCallback(SECRET, {
      providerTxnId: 'sbx-mismatch-1',
      orderCode: '777003',
      amountMinor: 1,
      currency: 'VND',
      outcome: 'completed',
      paidAt: 1,
    });
    const r = await fetch(`${url}/api/v1/payments/sandbox/callback`, { method: 'POST', headers: s.headers, body: s.body });
    expect(r.status).toBe(409);
    const row = await waitFor(
      async () => (await db.db.select().from(flaggedPayments).where(eq(flaggedPayments.paymentId, payment.id)))[0],
      15_000,
      'flag row',
    );
    expect(row).toMatchObject({ source: 'payment.flagged', reason: 'amountMismatch', orderCode: '777003' });
    expect(await commandsOf('ord_e2e3')).toEqual([]);
  });

  it('orders - the sandbox page shows a signed link and refuses a tampered one', async () => {
    const created = await createPaymentProviders(cfg)
      .get('sandbox')
      .createPayment(
        { orderCode: '777004', amountMinor: 10_000, currency: 'VND', description: 'd', returnUrl: `${url}/done`, callbackUrl: `${url}/cb` },
        {
          http: async () => {
            throw new Error('no http');
          },
          now: Date.now,
        },
      );
    const link = new URL(created.paymentUrl);
    for (const path of [link.pathname, '/api/v1/payments/sandbox/pay']) {
      const ok = await fetch(`${url}${path}${link.search}`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toContain('text/html');
      expect(await ok.text()).toContain('777004');
    }
    const tampered = new URLSearchParams(link.search);
    tampered.set('amountMinor', '1');
    const bad = await fetch(`${url}/api/v1/payments/sandbox/pay?${tampered.toString()}`);
    expect(bad.status).toBe(400);
    const api = await fetch(`${url}/api/v1/payments/sandbox/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderCode: '777004', outcome: 'completed', link: Object.fromEntries(tampered) }),
    });
    expect(api.status).toBe(400);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('WEBHOOK_SANDBOX_LINK_INVALID');
  });
});
