/**
 * @module test/gateway/routes/ticket-classes.test
 * gateway routes over real NATS, PostgreSQL, actors and uWebSockets.js: ticket classes created
 * and linked through the event, listed and read with live availability (public vs staff views),
 * edited, paused, resumed and closed, with the event's roles enforced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classBody, eventBody, startRoutesStack, type RoutesStack, type TestUser } from './setup.js';

let s: RoutesStack;
let owner: TestUser;
let editor: TestUser;
let viewer: TestUser;
let stranger: TestUser;
let platformAdmin: TestUser;
beforeAll(async () => {
  s = await startRoutesStack();
  [owner, editor, viewer, stranger] = [
    await s.signUp('owner'),
    await s.signUp('editor'),
    await s.signUp('viewer'),
    await s.signUp('stranger'),
  ];
  platformAdmin = await s.signUp('platform', { admin: true });
});
afterAll(async () => {
  await s?.stop();
});

async function newEvent(): Promise<string> {
  const r = await s.api('POST', '/api/v1/events', { token: owner.token, body: eventBody('With classes') });
  const id = r.body.eventId as string;
  await s.api('PUT', `/api/v1/events/${id}/roles/${editor.id}`, { token: owner.token, body: { role: 'editor' } });
  await s.api('PUT', `/api/v1/events/${id}/roles/${viewer.id}`, { token: owner.token, body: { role: 'viewer' } });
  return id;
}

async function publish(id: string): Promise<void> {
  await s.api('PUT', `/api/v1/events/${id}/config`, { token: owner.token, body: { isPublic: true } });
  expect((await s.api('POST', `/api/v1/events/${id}/approve`, { token: platformAdmin.token })).status).toBe(200);
  expect((await s.api('POST', `/api/v1/events/${id}/publish`, { token: owner.token })).status).toBe(200);
}

describe('gateway routes - ticket classes', () => {
  it('gateway routes - ticket classes: create, list, read with availability, edit, pause, resume, close', async () => {
    const eventId = await newEvent();
    const created = await s.api('POST', `/api/v1/events/${eventId}/ticket-classes`, { token: editor.token, body: classBody('VIP', 50) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const classId = created.body.classId as string;
    expect(classId).toMatch(/^tc_[0-9a-f]{24}$/);
    expect(created.body).toMatchObject({
      eventId,
      name: 'VIP',
      total: 50,
      available: 50,
      status: 'active',
      priceMinor: 150_000,
      currency: 'VND',
    });
    const event = await s.api('GET', `/api/v1/events/${eventId}`, { token: owner.token });
    expect(event.body.ticketClassIds).toEqual([classId]);

    const staffList = await s.api('GET', `/api/v1/events/${eventId}/ticket-classes`, { token: viewer.token });
    expect(staffList.status).toBe(200);
    expect(staffList.body.items).toHaveLength(1);
    expect(staffList.body.items[0]).toMatchObject({ classId, sold: 0, reserved: 0, available: 50 });

    // Draft: strangers and anonymous callers see nothing.
    expect((await s.api('GET', `/api/v1/events/${eventId}/ticket-classes`, { token: stranger.token })).status).toBe(404);
    expect((await s.api('GET', `/api/v1/ticket-classes/${classId}`)).status).toBe(404);

    const edited = await s.api('PATCH', `/api/v1/ticket-classes/${classId}`, { token: owner.token, body: { total: 80, name: 'VIP+' } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ total: 80, available: 80, name: 'VIP+' });

    await publish(eventId);
    const publicList = await s.api('GET', `/api/v1/events/${eventId}/ticket-classes`);
    expect(publicList.status).toBe(200);
    expect(publicList.body.items[0]).toMatchObject({ classId, available: 80, status: 'active' });
    expect(publicList.body.items[0]).not.toHaveProperty('sold');
    const publicOne = await s.api('GET', `/api/v1/ticket-classes/${classId}`, { token: stranger.token });
    expect(publicOne.status).toBe(200);
    expect(publicOne.body).not.toHaveProperty('holdsCount');
    expect((await s.api('GET', `/api/v1/ticket-classes/${classId}`, { token: viewer.token })).body).toHaveProperty('holdsCount', 0);

    expect((await s.api('POST', `/api/v1/ticket-classes/${classId}/pause`, { token: editor.token })).body.status).toBe('paused');
    expect((await s.api('POST', `/api/v1/ticket-classes/${classId}/pause`, { token: editor.token })).body.status).toBe('paused');
    expect((await s.api('POST', `/api/v1/ticket-classes/${classId}/resume`, { token: editor.token })).body.status).toBe('active');
    expect((await s.api('POST', `/api/v1/ticket-classes/${classId}/close`, { token: owner.token })).body.status).toBe('closed');
    const resumeClosed = await s.api('POST', `/api/v1/ticket-classes/${classId}/resume`, { token: owner.token });
    expect(resumeClosed.status).toBe(409);
    expect(resumeClosed.body.error.code).toBe('INVENTORY_CLASS_CLOSED');
  });

  it('gateway routes - ticket classes: viewers and strangers cannot change them', async () => {
    const eventId = await newEvent();
    const denied = await s.api('POST', `/api/v1/events/${eventId}/ticket-classes`, { token: viewer.token, body: classBody() });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: 'EVENT_FORBIDDEN', details: { action: 'addTicketClass', role: 'viewer' } });
    const hidden = await s.api('POST', `/api/v1/events/${eventId}/ticket-classes`, { token: stranger.token, body: classBody() });
    expect(hidden.status).toBe(404);
    const classId = (await s.api('POST', `/api/v1/events/${eventId}/ticket-classes`, { token: owner.token, body: classBody() })).body
      .classId;
    const viewerPatch = await s.api('PATCH', `/api/v1/ticket-classes/${classId}`, { token: viewer.token, body: { priceMinor: 1 } });
    expect(viewerPatch.status).toBe(403);
    expect((await s.api('POST', `/api/v1/ticket-classes/${classId}/close`, { token: stranger.token })).status).toBe(404);
    expect((await s.api('POST', `/api/v1/ticket-classes/${classId}/pause`)).status).toBe(401);
    const unchanged = await s.api('GET', `/api/v1/ticket-classes/${classId}`, { token: owner.token });
    expect(unchanged.body).toMatchObject({ priceMinor: 150_000, status: 'active' });
    expect((await s.api('GET', '/api/v1/events/ev_nope/ticket-classes')).status).toBe(404);
    expect((await s.api('GET', '/api/v1/ticket-classes/tc_nope')).status).toBe(404);
  });

  it('gateway routes - ticket classes: lowering total below what is held is 409 INVENTORY_TOTAL_TOO_LOW', async () => {
    const eventId = await newEvent();
    const classId = (await s.api('POST', `/api/v1/events/${eventId}/ticket-classes`, { token: owner.token, body: classBody('GA', 10) }))
      .body.classId as string;
    // The order saga reserves over NATS; here a hold is taken through the actor directly.
    await s.actors.request('ticketclass', classId, 'reserve', { commandId: 'r1', orderId: 'order1', quantity: 6 });
    const low = await s.api('PATCH', `/api/v1/ticket-classes/${classId}`, { token: owner.token, body: { total: 5 } });
    expect(low.status).toBe(409);
    expect(low.body.error).toMatchObject({ code: 'INVENTORY_TOTAL_TOO_LOW', details: { classId, total: 5, reserved: 6 } });
    const read = await s.api('GET', `/api/v1/ticket-classes/${classId}`, { token: owner.token });
    expect(read.body).toMatchObject({ total: 10, reserved: 6, available: 4 });
  });

  it('gateway routes - ticket classes: create is idempotent with the same Idempotency-Key, and refused on a cancelled event', async () => {
    const eventId = await newEvent();
    const headers = { 'idempotency-key': `tc-${Date.now()}` };
    const a = await s.api('POST', `/api/v1/events/${eventId}/ticket-classes`, {
      token: owner.token,
      headers,
      body: classBody('Early', 20),
    });
    const b = await s.api('POST', `/api/v1/events/${eventId}/ticket-classes`, {
      token: owner.token,
      headers,
      body: classBody('Early', 20),
    });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.classId).toBe(a.body.classId);
    const event = await s.api('GET', `/api/v1/events/${eventId}`, { token: owner.token });
    expect(event.body.ticketClassIds).toEqual([a.body.classId]);

    await s.api('POST', `/api/v1/events/${eventId}/cancel`, { token: owner.token, body: {} });
    const late = await s.api('POST', `/api/v1/events/${eventId}/ticket-classes`, { token: owner.token, body: classBody() });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('EVENT_CANCELLED');
  });
});
