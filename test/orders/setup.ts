/**
 * @module test/orders/setup
 * Everything real for the order saga tests: a private nats-server, a throwaway migrated
 * PostgreSQL database, accounts, an in-process actor node serving `productionKinds()`, the
 * gateway with the order routes (payments store + providers, sandbox by default), the saga
 * worker, and a queue service for waitroom tests. The gateway is the production one, built by
 * the composition root (`app/gateway.ts`), with a memory mailer. Helpers publish an event with ticket classes,
 * sign users up and send orders through the gateway.
 */
import { startTestStackBase } from '../harness/test-stack-base.js';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { MemoryMailer } from '../../accounts/index.js';
import { composeGateway } from '../../app/gateway.js';
import { productionKinds } from '../../actors/kinds.js';
import { ActorNode } from '../../actors/runtime/index.js';
import type { Config } from '../../config/index.js';
import { createActors, type ActorClient } from '../../actors/client/index.js';
import type { TicketClassView } from '../../contracts/kinds/ticketclass.js';
import type { DbHandle } from '../../db/index.js';
import { createGateway, type Gateway } from '../../gateway/index.js';
import { startSagaWorker, type SagaWorker } from '../../orders/index.js';
import type { PaymentStore } from '../../payments/index.js';
import { createQueueService, type QueueService } from '../../queue/index.js';

export interface Res<T = any> {
  status: number;
  body: T;
}

/** The running stack. */
export interface OrdersStack {
  url: string;
  cfg: Config;
  nc: NatsConnection;
  actors: ActorClient;
  payments: PaymentStore;
  queue: QueueService;
  worker: SagaWorker;
  db: DbHandle;
  gateway: Gateway;
  api<T = any>(method: string, path: string, opts?: { body?: unknown; token?: string; key?: string }): Promise<Res<T>>;
  /** A signed-in user: id and access token. */
  signUp(prefix?: string): Promise<{ id: string; token: string }>;
  /** Publish event `eventId` with one ticket class per entry; answers the class ids. */
  publishEvent(
    eventId: string,
    classes: Array<{ total: number; priceMinor?: number }>,
    opts?: { allowWaitRoom?: boolean; maxConcurrent?: number },
  ): Promise<string[]>;
  /** A ticket class as its actor reports it. */
  classView(classId: string): Promise<TicketClassView>;
  stop(): Promise<void>;
}

const ORGANIZER = { userId: 'organizer', platformRoles: ['admin'] };
let seq = 0;
const cid = (p: string) => `${p}-${process.pid}-${++seq}`;

/** Start the stack; `config` overrides settings (e.g. `orderPaymentTtlMs`). */
export async function startOrdersStack(config: Partial<Config> = {}): Promise<OrdersStack> {
  const base = await startTestStackBase({ queueClaimGraceMs: 5_000, queueCheckoutTtlMs: 60_000, ...config }, { dbMax: 4 });
  const { nats, db, cfg } = base;
  const silent = base.log;
  const nodeNc = await connect({ servers: nats.url });
  const node = new ActorNode({ config: cfg, kinds: await productionKinds(), nc: nodeNc, log: silent });
  await node.start();
  const nc = await connect({ servers: nats.url });
  // The production gateway, built by the composition root (its own mailer and JWT secret here).
  const parts = await composeGateway({
    config: cfg,
    log: silent,
    nc,
    db,
    mailer: new MemoryMailer(),
    pages: false,
    accounts: { jwtSecret: 'orders-test-secret-orders-test-secret-0123', publicBaseUrl: 'http://127.0.0.1' },
  });
  const { actors, payments } = parts.services;
  const gateway = createGateway({ config: cfg, log: silent, nc, ...parts.options });
  parts.attach(gateway);
  const url = `http://127.0.0.1:${await gateway.listen('127.0.0.1', 0)}`;
  const worker = await startSagaWorker({ nc, partitions: cfg.partitions, config: cfg, log: silent });
  const queue = createQueueService({ nc, config: cfg, log: silent, actors: createActors(actors) });

  const api: OrdersStack['api'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = {};
    if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
    if (opts.key) headers['idempotency-key'] = opts.key;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  return {
    url,
    cfg,
    nc,
    actors,
    payments,
    queue,
    worker,
    db,
    gateway,
    api,
    async signUp(prefix = 'buyer') {
      const email = `${prefix}${++seq}.${Date.now().toString(36)}@example.com`;
      const password = 'Blue-kettle-42-river';
      const reg = await api('POST', '/api/v1/auth/register', { body: { email, password, displayName: prefix } });
      if (reg.status !== 201) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.body)}`);
      const login = await api('POST', '/api/v1/auth/login', { body: { email, password } });
      return { id: reg.body.id as string, token: login.body.accessToken as string };
    },
    async publishEvent(eventId, classes, opts = {}) {
      const ev = (verb: string, body: Record<string, unknown>) =>
        actors.request('event', eventId, verb, { commandId: cid(verb), actor: ORGANIZER, ...body });
      const startsAt = Date.now() + 30 * 86_400_000;
      await ev('create', { name: `Concert ${eventId}`, startsAt, endsAt: startsAt + 3_600_000 });
      await ev('configure', {
        isPublic: true,
        requiresApproval: false,
        isFree: false,
        allowWaitRoom: opts.allowWaitRoom ?? false,
        maxConcurrent: opts.maxConcurrent ?? 100,
        ticketSaleStartDate: Date.now() - 1_000,
        ticketSaleEndDate: startsAt,
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
    classView: (classId) => actors.request<TicketClassView>('ticketclass', classId, 'get', { commandId: cid('get') }),
    async stop() {
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
