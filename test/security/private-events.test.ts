/**
 * @module test/security/private-events.test
 * Attack (issue 10, item 6): a private (`isPublic: false`) event could be joined and ordered from
 * by outsiders who knew its ids. What private means here: the event is for invited guests — its
 * staff, platform admins, and buyers holding the organizer's access code, which travels in the
 * `X-Event-Access-Code` header (never a URL) and is shown to staff only. To anyone else the
 * event does not exist: read, join and order answer 404 `COMMAND_NOT_FOUND`, as for a missing
 * event, and nothing is held. On the old code the outsider's join and order succeeded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFor, grantPlatformAdmin, signUp, type Api, type User } from '../e2e/client.js';
import { startE2EStack, type E2EStack } from '../e2e/stack.js';
import { buy, classOf, codeOf, publishWith } from './checkout-helpers.js';

let s: E2EStack;
let api: Api;
let organizer: User;
let admin: User;
const CODE = 'guests-only-2026';
const NOT_FOUND = [404, 'COMMAND_NOT_FOUND'];

beforeAll(async () => {
  s = await startE2EStack({ nodes: 1 });
  api = apiFor(s.url);
  [organizer, admin] = [await signUp(api, 'organizer'), await signUp(api, 'admin')];
  await grantPlatformAdmin(s.db, admin.id);
}, 240_000);
afterAll(async () => {
  await s?.stop();
});

const withCode = (code: string) => ({ 'x-event-access-code': code });

describe('security - private events', () => {
  it('private event - an outsider who knows the ids cannot read, join or buy; a guest with the code can, the code stays hidden', async () => {
    const {
      eventId,
      classIds: [classId],
    } = await publishWith(api, organizer, admin, {
      classes: [10],
      config: { isPublic: false, accessCode: CODE, allowWaitRoom: true, maxConcurrent: 5 },
    });
    const outsider = await signUp(api, 'outsider');
    const missing = 'ev_does_not_exist_0000';
    expect(codeOf(await api('GET', `/api/v1/events/${missing}`, { token: outsider.token }))).toEqual(NOT_FOUND);

    expect(codeOf(await api('GET', `/api/v1/events/${eventId}`, { token: outsider.token }))).toEqual(NOT_FOUND);
    expect(codeOf(await api('GET', `/api/v1/events/${eventId}`))).toEqual(NOT_FOUND);
    expect(codeOf(await api('GET', `/api/v1/events/${eventId}`, { token: outsider.token, headers: withCode('wrong-code-0000') }))).toEqual(
      NOT_FOUND,
    );
    expect(codeOf(await api('POST', `/api/v1/events/${eventId}/queue/join`, { token: outsider.token }))).toEqual(NOT_FOUND);
    expect(
      codeOf(await api('POST', `/api/v1/events/${eventId}/queue/join`, { token: outsider.token, headers: withCode('wrong-code-0000') })),
    ).toEqual(NOT_FOUND);
    expect(codeOf(await buy(api, outsider, eventId, classId!, 2))).toEqual(NOT_FOUND);
    expect(await classOf(api, organizer, classId!)).toMatchObject({ reserved: 0, sold: 0 });

    // The guest with the code: reads (without the code in the view), joins, buys.
    const guest = await signUp(api, 'guest');
    const read = await api('GET', `/api/v1/events/${eventId}`, { token: guest.token, headers: withCode(CODE) });
    expect(read.status).toBe(200);
    expect(read.body.config.accessCode).toBeUndefined();
    const joined = await api<{ state: string; token: string }>('POST', `/api/v1/events/${eventId}/queue/join`, {
      token: guest.token,
      headers: withCode(CODE),
    });
    expect(joined.body.state).toBe('admitted');
    expect((await buy(api, guest, eventId, classId!, 2, { checkoutToken: joined.body.token, headers: withCode(CODE) })).status).toBe(201);
    // Staff see the code; the catalog lists nothing private.
    expect((await api('GET', `/api/v1/events/${eventId}`, { token: organizer.token })).body.config.accessCode).toBe(CODE);
    expect(await classOf(api, organizer, classId!)).toMatchObject({ reserved: 2 });
  });

  it('private event - without a waitroom an outsider cannot order even with a made-up code; the organizer can', async () => {
    const {
      eventId,
      classIds: [classId],
    } = await publishWith(api, organizer, admin, { classes: [5], config: { isPublic: false, accessCode: CODE } });
    const outsider = await signUp(api, 'outsider2');
    expect(codeOf(await buy(api, outsider, eventId, classId!, 1, { headers: withCode(`${CODE}x`) }))).toEqual(NOT_FOUND);
    expect((await buy(api, organizer, eventId, classId!, 1)).status).toBe(201);
    expect((await buy(api, await signUp(api, 'guest2'), eventId, classId!, 1, { headers: withCode(CODE) })).status).toBe(201);
    expect(await classOf(api, organizer, classId!)).toMatchObject({ reserved: 2 });
  });
});
