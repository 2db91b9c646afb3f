/**
 * @module app/demo
 * The demo event a development `npm start` creates once, so the README's by-hand examples and the
 * pages have something real to show on a fresh machine: event `demo` ("Demo concert", published,
 * no waiting room) with one ticket class `demo-ga` of 100 tickets. Never in production mode.
 * Invariant: seeding twice changes nothing (an existing class is left as it is).
 */
import type { Actors } from '../actors/client/index.js';
import { TbError } from '../contracts/index.js';

/** The ids the README's examples name. */
export const DEMO = { eventId: 'demo', classId: 'demo-ga' } as const;

const SEEDER = { userId: 'tb-demo', platformRoles: ['admin'] };

/** Create and publish the demo event unless its class exists; answers whether it created it. */
export async function seedDemo(actors: Actors, now = Date.now()): Promise<boolean> {
  try {
    await actors.ticketclass(DEMO.classId).get();
    return false;
  } catch (err) {
    if (!TbError.is(err, 'COMMAND_NOT_FOUND')) throw err;
  }
  const event = actors.event(DEMO.eventId);
  // Fixed command keys: a second launcher racing this one gets the same answers, not a second event.
  const startsAt = now + 30 * 86_400_000;
  await event.create(
    {
      actor: SEEDER,
      name: 'Demo concert',
      startsAt,
      endsAt: startsAt + 3 * 3_600_000,
      categories: ['music'],
      description: 'Created by npm start in development.',
    },
    ['demo-seed', 'create'],
  );
  await event.configure(
    { actor: SEEDER, isPublic: true, requiresApproval: false, allowWaitRoom: false, ticketSaleStartDate: now, ticketSaleEndDate: startsAt },
    ['demo-seed', 'configure'],
  );
  await actors
    .ticketclass(DEMO.classId)
    .create({ eventId: DEMO.eventId, name: 'General admission', priceMinor: 150_000, currency: 'VND', total: 100 }, ['demo-seed', 'class']);
  await event.addTicketClass({ actor: SEEDER, ticketClassId: DEMO.classId }, ['demo-seed', 'addTicketClass']);
  await event.approve({ actor: SEEDER }, ['demo-seed', 'approve']);
  await event.publish({ actor: SEEDER }, ['demo-seed', 'publish']);
  return true;
}
