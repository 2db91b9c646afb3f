/**
 * @module test/queue/helpers
 * Set-up shared by the waitroom integration tests: publish an event with a waitroom through the
 * `event` actor, build a queue service with short deadlines, and read the queue's events.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { pino } from 'pino';
import type { ActorClient } from '../../actors/client/index.js';
import { createQueueService, type QueueService, type QueueServiceConfig } from '../../queue/index.js';

const ALICE = { userId: 'alice', platformRoles: [] as string[] };
/** Only a platform admin may turn approval off (issue 10). */
const ROOT = { userId: 'root', platformRoles: ['admin'] };
let seq = 0;
const cid = (p: string) => `${p}-${process.pid}-${++seq}`;

/** Create, configure (waitroom on), approve and publish event `eventId`. */
export async function publishEvent(
  client: ActorClient,
  eventId: string,
  opts: { saleStartsAt?: number; saleEndsAt?: number; maxConcurrent?: number; allowWaitRoom?: boolean } = {},
): Promise<void> {
  const startsAt = Date.now() + 30 * 86_400_000;
  const ask = (verb: string, body: Record<string, unknown>) =>
    client.request('event', eventId, verb, { commandId: cid(verb), actor: ALICE, ...body }, { budgetMs: 60_000 });
  await ask('create', { name: `Concert ${eventId}`, startsAt, endsAt: startsAt + 3_600_000 });
  await ask('configure', {
    actor: ROOT,
    isPublic: true,
    requiresApproval: false,
    allowWaitRoom: opts.allowWaitRoom ?? true,
    maxConcurrent: opts.maxConcurrent ?? 100,
    ...(opts.saleStartsAt !== undefined ? { ticketSaleStartDate: opts.saleStartsAt } : {}),
    ticketSaleEndDate: opts.saleEndsAt ?? startsAt,
  });
  await ask('approve', {});
  await ask('publish', {});
}

/** Queue settings for tests: short deadlines unless given. */
export function queueConfig(partitions: number, over: Partial<QueueServiceConfig> = {}): QueueServiceConfig {
  return {
    partitions,
    checkoutSecret: 'queue-test-checkout-secret-0123456789',
    queueSeedSecret: 'queue-test-seed-secret-0123456789',
    queueClaimGraceMs: 2_000,
    queueCheckoutTtlMs: 5_000,
    ...over,
  };
}

/** A queue service on `nc` (its own actor client). */
export function serviceOn(nc: NatsConnection, partitions: number, over: Partial<QueueServiceConfig> = {}): QueueService {
  return createQueueService({ nc, config: queueConfig(partitions, over), log: pino({ level: process.env['TB_TEST_LOG'] ?? 'silent' }) });
}

/** Run `fn` over `items` with at most `width` in flight; results in input order. */
export async function pool<T, R>(items: T[], width: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}
