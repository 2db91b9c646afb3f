/**
 * @module app/demo
 * The demo event a development `npm start` creates once, so the README's by-hand examples and the
 * pages have something real to show on a fresh machine: event `demo` ("Demo concert", published,
 * no waiting room) with one ticket class `demo-ga` of 100 tickets. Never in production mode.
 * Invariant: seeding twice changes nothing (an existing class is left as it is).
 */
import type { ActorClient } from '../contracts/index.js';
import { TbError } from '../contracts/index.js';

/** The ids the README's examples name. */
export const DEMO = { eventId: 'demo', classId: 'demo-ga' } as const;

const SEEDER = { userId: 'tb-demo', platformRoles: ['admin'] };

/** Create and publish the demo event unless its class exists; answers whether it created it. */
export async function seedDemo(actors: ActorClient, now = Date.now()): Promise<boolean> {
  try {
    await actors.request('ticketclass', DEMO.classId, 'get', { commandId: `demo-get-${now}` });
    return false;
  } catch (err) {
    if (!TbError.is(err, 'COMMAND_NOT_FOUND')) throw err;
  }
  const step = (verb: string) => `demo-seed-${verb}`;
  const ev = (verb: string, body: Record<string, unknown> = {}) => actors.request('event', DEMO.eventId, verb, { commandId: step(verb), actor: SEEDER, ...body });
  const startsAt = now + 30 * 86_400_000;
  await ev('create', { name: 'Demo concert', startsAt, endsAt: startsAt + 3 * 3_600_000, categories: ['music'], description: 'Created by npm start in development.' });
  await ev('configure', { isPublic: true, requiresApproval: false, allowWaitRoom: false, ticketSaleStartDate: now, ticketSaleEndDate: startsAt });
  await actors.request('ticketclass', DEMO.classId, 'create', { commandId: step('class'), eventId: DEMO.eventId, name: 'General admission', priceMinor: 150_000, currency: 'VND', total: 100 });
  await ev('addTicketClass', { ticketClassId: DEMO.classId });
  await ev('approve');
  await ev('publish');
  return true;
}
