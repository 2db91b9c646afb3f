/**
 * @module test/tickets/setup
 * Everything real for the tickets tests: a private nats-server, a throwaway migrated PostgreSQL
 * database, accounts, two in-process actor nodes serving `productionKinds()` (so check-in buckets
 * are spread over owners), a gateway with the order and ticket routes, the saga worker and the
 * tickets consumers (restartable). Helpers publish events, sign users up, give staff roles, issue
 * tickets straight from order views, and publish domain events as the order actor would.
 */
import { startTestStackBase } from '../harness/test-stack-base.js';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { MemoryMailer } from '../../accounts/index.js';
import { composeGateway } from '../../app/gateway.js';
import { productionKinds } from '../../actors/kinds.js';
import { ActorNode } from '../../actors/runtime/index.js';
import type { Config } from '../../config/index.js';
import { encode } from '../../contracts/index.js';
import type { ActorClient } from '../../actors/client/index.js';
import type { DbHandle } from '../../db/index.js';
import { createGateway, type Gateway } from '../../gateway/index.js';
import { startSagaWorker, type SagaWorker } from '../../orders/index.js';
import { startTicketsConsumers, ticketsForOrder, type Tickets, type TicketStore } from '../../tickets/index.js';
import type { DurableConsumer } from '../../platform/index.js';

export interface Res<T = any> {
  status: number;
  body: T;
}

/** A completed order view, as `order.completed` carries it. */
export interface FakeOrder {
  orderId: string;
  userId: string;
  eventId: string;
  lines: Array<{ classId: string; quantity: number; unitPriceMinor?: number }>;
}

export interface TicketsStack {
  url: string;
  cfg: Config;
  nc: NatsConnection;
  actors: ActorClient;
  db: DbHandle;
  tickets: Tickets;
  api<T = any>(method: string, path: string, opts?: { body?: unknown; token?: string; key?: string }): Promise<Res<T>>;
  raw(path: string, token: string): Promise<Response>;
  signUp(prefix?: string): Promise<{ id: string; token: string }>;
  /** Publish event `eventId` (organizer = platform admin) with classes; answers the class ids. */
  publishEvent(
    eventId: string,
    classes: Array<{ total: number; priceMinor?: number }>,
    config?: Record<string, unknown>,
  ): Promise<string[]>;
  setRole(eventId: string, userId: string, role: 'admin' | 'editor' | 'viewer' | 'scanner'): Promise<void>;
  /** The order view of a fake completed order. */
  orderView(o: FakeOrder): Record<string, unknown>;
  /** Publish `order.completed` for `o` (msgId makes it a distinct stream message: a replay). */
  publishCompleted(o: FakeOrder, msgId?: string): Promise<void>;
  /** Publish `order.refunded` as the refund path does. */
  publishRefunded(orderId: string, eventId: string, userId: string): Promise<void>;
  /** Issue tickets directly (no consumer), answers their ids. */
  issue(o: FakeOrder): Promise<string[]>;
  startConsumers(store?: TicketStore): void;
  stopConsumers(): Promise<void>;
  stop(): Promise<void>;
}

export const ORGANIZER = { userId: 'organizer', platformRoles: ['admin'] };
let seq = 0;
const cid = (p: string) => `${p}-${process.pid}-${++seq}`;

/** Start the stack. */
export async function startTicketsStack(config: Partial<Config> = {}): Promise<TicketsStack> {
  const base = await startTestStackBase({ memberTimeoutMs: 3_000, leaseTtlMs: 3_000, checkinBuckets: 8, ...config }, { dbMax: 8 });
  const { nats, db, cfg } = base;
  const silent = base.log;
  const nodeNcs: NatsConnection[] = [];
  const nodes: ActorNode[] = [];
  for (let i = 0; i < 2; i++) {
    const nnc = await connect({ servers: nats.url });
    nodeNcs.push(nnc);
    const node = new ActorNode({ config: { ...cfg, nodeId: `tickets-node-${i}` }, kinds: await productionKinds(), nc: nnc, log: silent });
    await node.start();
    nodes.push(node);
  }
  const nc = await connect({ servers: nats.url });
  // The production gateway, built by the composition root (its own mailer and JWT secret here).
  const parts = await composeGateway({
    config: cfg,
    log: silent,
    nc,
    db,
    mailer: new MemoryMailer(),
    pages: false,
    accounts: { jwtSecret: 'tickets-test-secret-tickets-test-secret-0123', publicBaseUrl: 'http://127.0.0.1' },
  });
  const { actors } = parts.services;
  const tickets = parts.services.routeDeps.tickets!.tickets;
  const gateway: Gateway = createGateway({ config: cfg, log: silent, nc, ...parts.options });
  parts.attach(gateway);
  const url = `http://127.0.0.1:${await gateway.listen('127.0.0.1', 0)}`;
  const worker: SagaWorker = await startSagaWorker({ nc, partitions: cfg.partitions, config: cfg, log: silent });
  const js = jetstream(nc);
  let consumers: DurableConsumer | undefined;

  const api: TicketsStack['api'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = {};
    if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
    if (opts.key) headers['idempotency-key'] = opts.key;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const orderView = (o: FakeOrder) => ({
    orderId: o.orderId,
    code: '000000000001',
    userId: o.userId,
    eventId: o.eventId,
    status: 'COMPLETED',
    lines: o.lines.map((l) => ({
      classId: l.classId,
      quantity: l.quantity,
      unitPriceMinor: l.unitPriceMinor ?? 100_000,
      currency: 'VND',
      state: 'confirmed',
    })),
    totalMinor: o.lines.reduce((s, l) => s + l.quantity * (l.unitPriceMinor ?? 100_000), 0),
    currency: 'VND',
    createdAt: Date.now(),
    updatedAt: Date.now(),
  });
  const publish = async (subject: string, body: Record<string, unknown>, msgId: string) => {
    const h = natsHeaders();
    h.set('Nats-Msg-Id', msgId);
    await js.publish(subject, encode(body), { headers: h });
  };

  return {
    url,
    cfg,
    nc,
    actors,
    db,
    tickets,
    api,
    raw: (path, token) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } }),
    async signUp(prefix = 'buyer') {
      const email = `${prefix}${++seq}.${Date.now().toString(36)}@example.com`;
      const password = 'Blue-kettle-42-river';
      const reg = await api('POST', '/api/v1/auth/register', { body: { email, password, displayName: prefix } });
      if (reg.status !== 201) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.body)}`);
      const login = await api('POST', '/api/v1/auth/login', { body: { email, password } });
      return { id: reg.body.id as string, token: login.body.accessToken as string };
    },
    async publishEvent(eventId, classes, config = {}) {
      const ev = (verb: string, body: Record<string, unknown>) =>
        actors.request('event', eventId, verb, { commandId: cid(verb), actor: ORGANIZER, ...body });
      const startsAt = Date.now() + 30 * 86_400_000;
      await ev('create', { name: `Concert ${eventId}`, startsAt, endsAt: startsAt + 3_600_000, location: 'Hanoi Opera House' });
      await ev('configure', {
        isPublic: true,
        requiresApproval: false,
        isFree: false,
        allowWaitRoom: false,
        maxConcurrent: 100,
        ticketSaleStartDate: Date.now() - 1_000,
        ticketSaleEndDate: startsAt,
        ...config,
      });
      const ids = classes.map((_, i) => `${eventId}-c${i}`);
      for (const [i, c] of classes.entries()) {
        await actors.request('ticketclass', ids[i]!, 'create', {
          commandId: cid('tc'),
          eventId,
          name: `Class ${i}`,
          priceMinor: c.priceMinor ?? 150_000,
          currency: 'VND',
          total: c.total,
        });
        await ev('addTicketClass', { ticketClassId: ids[i] });
      }
      await ev('approve', {});
      await ev('publish', {});
      return ids;
    },
    async setRole(eventId, userId, role) {
      await actors.request('event', eventId, 'setRole', { commandId: cid('role'), actor: ORGANIZER, userId, role });
    },
    orderView,
    async publishCompleted(o, msgId) {
      const order = orderView(o);
      await publish(
        `tb.evt.order.${o.orderId}.completed`,
        {
          type: 'order.completed',
          kind: 'order',
          id: o.orderId,
          seq: 5,
          n: 0,
          at: Date.now(),
          data: { type: 'order.completed', orderId: o.orderId, userId: o.userId, eventId: o.eventId, at: Date.now(), order },
        },
        msgId ?? `order.${o.orderId}.5.0`,
      );
    },
    async publishRefunded(orderId, eventId, userId) {
      await publish(
        `tb.evt.order.${orderId}.refunded`,
        {
          type: 'order.refunded',
          kind: 'order',
          id: orderId,
          seq: 9,
          n: 0,
          at: Date.now(),
          data: { type: 'order.refunded', orderId, eventId, userId, at: Date.now() },
        },
        `order.${orderId}.9.0`,
      );
    },
    async issue(o) {
      const t = ticketsForOrder(orderView(o) as never);
      await tickets.store.issue(t);
      return t.map((x) => x.ticketId);
    },
    startConsumers(store) {
      consumers = startTicketsConsumers({
        nc,
        store: store ?? tickets.store,
        service: tickets.service,
        log: silent,
        retryDelayMs: 100,
        ackWaitMs: 2_000,
        batchSize: 64,
      });
    },
    async stopConsumers() {
      await consumers?.stop();
      consumers = undefined;
    },
    async stop() {
      await consumers?.stop().catch(() => undefined);
      await worker.stop().catch(() => undefined);
      parts.stopStreams();
      await gateway.close();
      await parts.close();
      for (const n of nodes) await n.stop().catch(() => undefined);
      for (const c of nodeNcs) await c.close().catch(() => undefined);
      await nc.close().catch(() => undefined);
      await base.close();
    },
  };
}

/** Poll `fn` until it is truthy (or fail after `ms`). */
export async function until<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
