/**
 * @module test/refunds/setup
 * Everything real for the refund tests: a private nats-server, a throwaway migrated PostgreSQL,
 * an in-process actor node with the production kinds, one gateway serving accounts, orders,
 * payment webhooks, the sandbox refund desk and the organizer routes over a real socket, and the
 * processes of the payment side in-process: the payments outbox relay, the payment-events
 * consumer, the order-history projector, the refund consumers (order refund requests, event
 * cancellations) and the refund worker, whose provider HTTP goes to the gateway's sandbox desk.
 * Payments are made like the sandbox provider makes them: a signed callback to the gateway.
 */
import { startTestStackBase } from '../harness/test-stack-base.js';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { eq, sql } from 'drizzle-orm';
import { MemoryMailer } from '../../accounts/index.js';
import { composeGateway } from '../../app/gateway.js';
import { productionKinds } from '../../actors/kinds.js';
import { ActorNode } from '../../actors/runtime/index.js';
import type { Config } from '../../config/index.js';
import type { ActorClient } from '../../actors/client/index.js';
import type { OrderView } from '../../contracts/kinds/order.js';
import { paymentRefunds, payments, sandboxRefunds, type DbHandle } from '../../db/index.js';
import { createGateway } from '../../gateway/index.js';
import { startOrderNotifier } from '../../mailer/index.js';
import {
  createOrderHistory,
  startOrderHistoryProjector,
  startPaymentEventsConsumer,
  startRefundConsumers,
  startSagaWorker,
} from '../../orders/index.js';
import {
  SANDBOX_REFUND_PATH,
  createRefundProviders,
  fetchHttpClient,
  signSandboxCallback,
  startOutboxRelay,
  startRefundWorker,
  type HttpClient,
  type PaymentStore,
} from '../../payments/index.js';
import type { DurableConsumer } from '../../platform/index.js';

export interface Res<T = any> {
  status: number;
  body: T;
}
const SECRET = 'refunds-test-sandbox-secret-0123456789abcdef';
const ADMIN = { userId: 'platform-op', platformRoles: ['admin'] };
let seq = 0;
const cid = (p: string) => `${p}-${process.pid}-${++seq}`;

/** The running stack. */
export interface RefundStack {
  url: string;
  cfg: Config;
  nc: NatsConnection;
  actors: ActorClient;
  db: DbHandle;
  payments: PaymentStore;
  mailer: MemoryMailer;
  /** Every HTTP call the refund worker made to a provider. */
  providerCalls: Array<{ url: string; body: string }>;
  api<T = any>(method: string, path: string, opts?: { body?: unknown; token?: string; key?: string; raw?: boolean }): Promise<Res<T>>;
  signUp(prefix?: string): Promise<{ id: string; token: string }>;
  /** Create and publish event `eventId` owned by `ownerId` (event admin) with one class. */
  publishEvent(eventId: string, ownerId: string, total: number, priceMinor?: number): Promise<string>;
  setRole(eventId: string, userId: string, role: 'admin' | 'editor' | 'viewer'): Promise<void>;
  /** Buy `quantity` tickets of `classId` with the sandbox provider: PENDING order with its payment. */
  order(token: string, eventId: string, classId: string, quantity?: number, key?: string): Promise<OrderView>;
  /** Pay like the sandbox provider: a signed callback for `orderCode` with transaction `txn`. */
  pay(orderCode: string, amountMinor: number, txn: string): Promise<Res>;
  getOrder(orderId: string, userId: string): Promise<OrderView>;
  untilOrder(orderId: string, userId: string, status: string): Promise<OrderView>;
  /** Refund rows and the sandbox desk's executed refunds of a transaction. */
  refundsOf(txn: string): Promise<{ requested: number; executed: number; status: string[] }>;
  paymentOf(orderId: string): Promise<typeof payments.$inferSelect | undefined>;
  stop(): Promise<void>;
}

/** Poll `fn` until truthy (or fail after `ms`). */
export async function until<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Start the stack. `http` wraps the refund worker's provider client (to count or delay calls). */
export async function startRefundStack(over: Partial<Config> = {}): Promise<RefundStack> {
  const base = await startTestStackBase({ logLevel: 'silent', sandboxPaymentSecret: SECRET, sandboxPayEnabled: 1, ...over }, { dbMax: 8 });
  const { nats, db, cfg } = base;
  const log = base.log;
  const mailer = new MemoryMailer();
  const nodeNc = await connect({ servers: nats.url });
  const node = new ActorNode({ config: cfg, kinds: await productionKinds(), nc: nodeNc, log });
  await node.start();
  const nc = await connect({ servers: nats.url });
  // The production gateway, built by the composition root (its own mailer and JWT secret here).
  const parts = await composeGateway({
    config: cfg,
    log,
    nc,
    db,
    mailer,
    pages: false,
    accounts: { jwtSecret: 'refunds-test-secret-refunds-test-secret-01', publicBaseUrl: 'http://127.0.0.1' },
  });
  const { actors, payments: store } = parts.services;
  // The projector writes the PostgreSQL history the gateway's history routes read.
  const history = createOrderHistory(db.db);
  const gateway = createGateway({ config: cfg, log, nc, ...parts.options });
  parts.attach(gateway);
  const url = `http://127.0.0.1:${await gateway.listen('127.0.0.1', 0)}`;
  cfg.sandboxRefundUrl = `${url}${SANDBOX_REFUND_PATH}`;
  const providerCalls: RefundStack['providerCalls'] = [];
  const fetchHttp = fetchHttpClient(10_000);
  const http: HttpClient = async (req) => {
    providerCalls.push({ url: req.url, body: req.body ?? '' });
    return fetchHttp(req);
  };
  const worker = await startSagaWorker({ nc, partitions: cfg.partitions, config: cfg, log });
  const relay = startOutboxRelay({ db: db.db, nc, log, pollMs: 200 });
  const consumers: DurableConsumer[] = [
    startPaymentEventsConsumer({ nc, db: db.db, actors, log, retryDelayMs: 200 }),
    startOrderHistoryProjector({ nc, store: history, log, retryDelayMs: 200 }),
    startRefundConsumers({ nc, db: db.db, actors, log, retryDelayMs: 200 }),
    startRefundWorker({ nc, db: db.db, providers: createRefundProviders(cfg), http, log, retryDelayMs: 300 }),
    startOrderNotifier({
      nc,
      db: db.db,
      mailer: {
        send: async (m) => {
          mailer.send(m);
        },
      },
      log,
      publicBaseUrl: 'http://tickets.example',
      retryDelayMs: 300,
    }),
  ];

  const api: RefundStack['api'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = {};
    if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
    if (opts.key) headers['idempotency-key'] = opts.key;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: opts.raw ? text : text ? JSON.parse(text) : undefined };
  };
  const getOrder = (orderId: string, userId: string) =>
    actors.request<OrderView>('order', orderId, 'get', { commandId: cid('get'), viewerId: userId });

  return {
    url,
    cfg,
    nc,
    actors,
    db,
    payments: store,
    mailer,
    providerCalls,
    api,
    getOrder,
    async signUp(prefix = 'buyer') {
      const email = `${prefix}${++seq}.${Date.now().toString(36)}@example.com`;
      const password = 'Blue-kettle-42-river';
      const reg = await api('POST', '/api/v1/auth/register', { body: { email, password, displayName: prefix } });
      if (reg.status !== 201) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.body)}`);
      const login = await api('POST', '/api/v1/auth/login', { body: { email, password } });
      return { id: reg.body.id as string, token: login.body.accessToken as string };
    },
    async publishEvent(eventId, ownerId, total, priceMinor = 150_000) {
      const owner = { userId: ownerId, platformRoles: [] as string[] };
      const ev = (verb: string, body: Record<string, unknown>, actor = owner) =>
        actors.request('event', eventId, verb, { commandId: cid(verb), actor, ...body });
      const startsAt = Date.now() + 30 * 86_400_000;
      await ev('create', { name: `Concert ${eventId}`, startsAt, endsAt: startsAt + 3_600_000 });
      await ev('configure', {
        isPublic: true,
        isFree: false,
        allowWaitRoom: false,
        maxConcurrent: 100,
        ticketSaleStartDate: Date.now() - 1_000,
        ticketSaleEndDate: startsAt,
      });
      const classId = `${eventId}-c0`;
      await actors.request('ticketclass', classId, 'create', {
        commandId: cid('tc'),
        eventId,
        name: 'Floor',
        priceMinor,
        currency: 'VND',
        total,
      });
      await ev('addTicketClass', { ticketClassId: classId });
      await ev('approve', {}, ADMIN);
      await ev('publish', {});
      return classId;
    },
    async setRole(eventId, userId, role) {
      await actors.request('event', eventId, 'setRole', { commandId: cid('role'), actor: ADMIN, userId, role });
    },
    async order(token, eventId, classId, quantity = 1, key) {
      const res = await api<OrderView>('POST', '/api/v1/orders', {
        token,
        key: key ?? cid('k'),
        body: { eventId, lines: [{ classId, quantity }], provider: 'sandbox' },
      });
      if (res.status !== 201 && res.status !== 200) throw new Error(`order: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async pay(orderCode, amountMinor, txn) {
      const signed = signSandboxCallback(SECRET, {
        providerTxnId: txn,
        orderCode,
        amountMinor,
        currency: 'VND',
        outcome: 'completed',
        paidAt: Date.now(),
      });
      const res = await fetch(`${url}/api/v1/payments/sandbox/callback`, { method: 'POST', headers: signed.headers, body: signed.body });
      return { status: res.status, body: await res.text() };
    },
    untilOrder: (orderId, userId, status) =>
      until(async () => {
        const o = await getOrder(orderId, userId);
        return o.status === status ? o : undefined;
      }, `order ${orderId} ${status}`),
    async refundsOf(txn) {
      const rows = await db.db.select().from(paymentRefunds).where(eq(paymentRefunds.providerTxnId, txn));
      const [n] = await db.db.select({ n: sql<number>`count(*)::int` }).from(sandboxRefunds).where(eq(sandboxRefunds.providerTxnId, txn));
      return { requested: rows.length, executed: n?.n ?? 0, status: rows.map((r) => r.status) };
    },
    async paymentOf(orderId) {
      const [p] = await db.db.select().from(payments).where(eq(payments.orderId, orderId));
      return p;
    },
    async stop() {
      for (const c of consumers) await c.stop().catch(() => undefined);
      await relay.stop().catch(() => undefined);
      await worker.stop().catch(() => undefined);
      parts.stopStreams();
      await gateway.close();
      await parts.close();
      await node.stop().catch(() => undefined);
      await nodeNc.close().catch(() => undefined);
      await nc.close().catch(() => undefined);
      await base.close();
    },
  };
}
