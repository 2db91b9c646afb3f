/**
 * Inventory under attack: one ticket class (total 1,000, 10 s holds) on a 3-node NATS JetStream
 * cluster (replicas 3) served by 3 actor node processes; 200 concurrent clients race to reserve
 * 1–4 tickets with unique order ids, then confirm (~60%), release (~20%) or abandon (~20%, left
 * to the durable timer). The node that owns the class is SIGKILLed mid-run. Afterwards, when
 * every hold's deadline has passed, the class must balance exactly: nothing oversold, every
 * acknowledged confirm holds exactly its tickets, no hold left, every abandoned hold released
 * by the timer (reason `expired`, on `TB_EVENTS`), no acknowledged reservation lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNatsCluster, type NatsClusterHandle } from '../harness/nats.js';
import type { ChildHandle } from '../harness/processes.js';
import { clientFor, leaseOwner, spawnKindsNodes, until } from '../runtime/helpers.js';
import { eventsBy, readEvents } from './events.js';
import { TbError } from '../../contracts/index.js';
import type { ActorClient, RequestStats } from '../../actors/client/index.js';
import { TicketClassLimits, type HoldResult, type OrderOutcome, type TicketClassView } from '../../contracts/kinds/ticketclass.js';

const CLASS = 'attack';
const TOTAL = 1_000;
const HOLD_MS = TicketClassLimits.minHoldMs;
const CLIENTS = 200;
const ORDERS_PER_CLIENT = 10;
const KILL_AFTER_RESERVES = 150;
const NAMES = ['atk-a', 'atk-b', 'atk-c'];

let cluster: NatsClusterHandle;
let nc: NatsConnection;
let client: ActorClient;
const nodes: ChildHandle[] = [];

beforeAll(async () => {
  cluster = await startNatsCluster(3);
  nodes.push(...(await spawnKindsNodes(cluster.url, NAMES, { TB_KV_REPLICAS: '3' })));
  ({ nc, client } = await clientFor(cluster.url));
});
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await nc?.close();
  await cluster?.stop();
});

type Fate = 'confirm' | 'release' | 'abandon';
interface Order {
  id: string;
  quantity: number;
  fate: Fate;
  expiresAt: number;
  outcome?: 'confirmed' | 'released' | 'expired';
}

describe('ticketclass - inventory under attack', () => {
  it('ticketclass - never oversells, loses no acknowledged hold and leaks none, with 200 clients and a node SIGKILLed', async () => {
    const mk = {
      commandId: 'mk',
      eventId: 'ev-attack',
      name: 'GA',
      priceMinor: 500_000,
      currency: 'VND',
      total: TOTAL,
      holdTtlMs: HOLD_MS,
      maxPerOrder: 4,
    };
    await until(
      () =>
        client.request('ticketclass', CLASS, 'create', mk).then(
          () => true,
          () => false,
        ),
      'class created',
      60_000,
    );

    const orders: Order[] = [];
    const failures: string[] = [];
    const counts = { ops: 0, retries: 0, soldOutAnswers: 0, holdNotFound: 0 };
    let killedAt = 0;
    let victimName = '';
    let firstAckAfterKill = Number.POSITIVE_INFINITY;
    let killing: Promise<void> | undefined;
    const call = async <R>(verb: string, body: Record<string, unknown>): Promise<R> => {
      const stats: RequestStats = { attempts: 0, retried: [] };
      const sentAt = Date.now();
      try {
        const r = await client.request<R>('ticketclass', CLASS, verb, body, { budgetMs: 60_000 }, stats);
        // Takeover as a client sees it: the first answer to a request sent after the kill.
        if (killedAt > 0 && sentAt > killedAt) firstAckAfterKill = Math.min(firstAckAfterKill, Date.now());
        return r;
      } catch (err) {
        if (killedAt > 0 && sentAt > killedAt && err instanceof TbError && !err.retryable)
          firstAckAfterKill = Math.min(firstAckAfterKill, Date.now());
        throw err;
      } finally {
        counts.ops++;
        counts.retries += stats.retried.length;
      }
    };
    const kill = async () => {
      victimName = (await leaseOwner(nc, 'ticketclass', CLASS)) ?? '';
      const victim = nodes[NAMES.indexOf(victimName)] ?? nodes[1]!;
      killedAt = Date.now();
      victim.kill('SIGKILL');
      await victim.exited;
    };

    const worker = async (w: number) => {
      for (let k = 0; k < ORDERS_PER_CLIENT; k++) {
        const id = `o${w}x${k}`;
        const quantity = 1 + Math.floor(Math.random() * 4);
        const roll = Math.random();
        const fate: Fate = roll < 0.6 ? 'confirm' : roll < 0.8 ? 'release' : 'abandon';
        let hold: HoldResult;
        try {
          hold = await call<HoldResult>('reserve', { commandId: `r-${id}`, orderId: id, quantity });
        } catch (err) {
          // All held (by other unpaid holds) is an honest refusal too: the tickets may come back later.
          if (TbError.is(err, 'INVENTORY_SOLD_OUT') || TbError.is(err, 'INVENTORY_INSUFFICIENT') || TbError.is(err, 'INVENTORY_ALL_HELD')) {
            counts.soldOutAnswers++;
            return;
          }
          failures.push(`reserve ${id}: ${(err as Error).message}`);
          return;
        }
        const order: Order = { id, quantity, fate, expiresAt: hold.expiresAt };
        orders.push(order);
        if (orders.length === KILL_AFTER_RESERVES) killing = kill();
        await new Promise((r) => setTimeout(r, Math.random() * 300));
        if (fate === 'abandon') continue;
        try {
          const out = await call<OrderOutcome>(fate, { commandId: `${fate}-${id}`, orderId: id });
          if (out.state !== (fate === 'confirm' ? 'confirmed' : 'released') || out.quantity !== quantity)
            failures.push(`${fate} ${id}: ${JSON.stringify(out)}`);
          order.outcome = out.state as Order['outcome'];
        } catch (err) {
          const e = err as TbError;
          if (TbError.is(err, 'INVENTORY_ORDER_FINISHED') && e.details?.reason === 'expired') order.outcome = 'expired';
          else {
            if (TbError.is(err, 'INVENTORY_HOLD_NOT_FOUND')) counts.holdNotFound++;
            failures.push(`${fate} ${id}: ${e.code} ${e.message}`);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, w) => worker(w)));
    await killing;
    await until(
      () =>
        client.request('ticketclass', CLASS, 'get', { commandId: 'probe' }, { budgetMs: 500, timeoutMs: 400 }).then(
          () => true,
          () => false,
        ),
      'class served again',
      30_000,
    );
    const takeoverMs = Number.isFinite(firstAckAfterKill) ? firstAckAfterKill - killedAt : undefined;

    // Wait for every deadline, then for the timer to release every abandoned hold on TB_EVENTS.
    const lastDeadline = Math.max(...orders.map((o) => o.expiresAt));
    await new Promise((r) => setTimeout(r, Math.max(0, lastDeadline - Date.now()) + 2_000));
    const mustExpire = new Set(orders.filter((o) => o.fate === 'abandon' || o.outcome === 'expired').map((o) => o.id));
    let events = await readEvents(nc, 'ticketclass', CLASS);
    await until(
      async () => {
        events = await readEvents(nc, 'ticketclass', CLASS);
        return [...mustExpire].every((id) => events.some((e) => e.type === 'ticketclass.released' && e.data.orderId === id));
      },
      'every abandoned hold released by the timer',
      60_000,
    );

    const view = await client.request<TicketClassView>('ticketclass', CLASS, 'get', { commandId: 'final' });
    const confirmed = orders.filter((o) => o.outcome === 'confirmed');
    const soldAcked = confirmed.reduce((s, o) => s + o.quantity, 0);
    const confirmedEvents = eventsBy(events, 'ticketclass.confirmed', 'orderId');
    const releasedEvents = eventsBy(events, 'ticketclass.released', 'orderId');

    expect(failures).toEqual([]);
    expect(counts.holdNotFound).toBe(0);
    // The node killed was the class's owner, in the middle of the run.
    expect(NAMES).toContain(victimName);
    expect(killedAt).toBeGreaterThan(0);
    expect(view.sold + view.reserved + view.available).toBe(TOTAL);
    expect(view.sold).toBeLessThanOrEqual(TOTAL);
    expect(view.sold).toBe(soldAcked);
    expect(view.soldOrders).toBe(confirmed.length);
    expect([view.reserved, view.holdsCount]).toEqual([0, 0]);
    // The events agree: every acknowledged confirm is one confirmed event with its quantity; no order is both.
    expect([...confirmedEvents.keys()].sort()).toEqual(confirmed.map((o) => o.id).sort());
    for (const o of confirmed) expect(confirmedEvents.get(o.id)).toMatchObject({ quantity: o.quantity });
    for (const id of mustExpire) expect(releasedEvents.get(id)).toMatchObject({ reason: 'expired' });
    for (const id of confirmedEvents.keys()) expect(releasedEvents.has(id)).toBe(false);

    console.log(
      JSON.stringify({
        test: 'ticketclass-attack',
        ops: counts.ops,
        orders: orders.length,
        sold: view.sold,
        soldOrders: view.soldOrders,
        released: orders.filter((o) => o.outcome === 'released').length,
        expired: [...releasedEvents.values()].filter((d) => d.reason === 'expired').length,
        soldOutAnswers: counts.soldOutAnswers,
        retries: counts.retries,
        killed: victimName,
        takeoverMs,
        available: view.available,
      }),
    );
  });
});
