/**
 * @module test/gateway/routes/events.test
 * gateway routes over real NATS, PostgreSQL, actors and uWebSockets.js: the event lifecycle,
 * roles and visibility, platform approval, illegal transitions and idempotent creation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventBody, startRoutesStack, type RoutesStack, type TestUser } from './setup.js';

let s: RoutesStack;
let owner: TestUser;
let platformAdmin: TestUser;
beforeAll(async () => {
  s = await startRoutesStack();
  owner = await s.signUp('owner');
  platformAdmin = await s.signUp('platform', { admin: true });
});
afterAll(async () => {
  await s?.stop();
});

async function createEvent(token: string, body: object = eventBody()): Promise<string> {
  const r = await s.api('POST', '/api/v1/events', { token, body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.eventId as string;
}

describe('gateway routes - events', () => {
  it('gateway routes - event lifecycle: create, read, edit, configure, approve, publish, cancel', async () => {
    const body = eventBody('Lifecycle');
    const created = await s.api('POST', '/api/v1/events', { token: owner.token, body });
    expect(created.status).toBe(201);
    const id = created.body.eventId as string;
    expect(id).toMatch(/^ev_[0-9a-f]{24}$/);
    expect(created.headers.get('location')).toBe(`/api/v1/events/${id}`);
    expect(created.body).toMatchObject({ name: 'Lifecycle', status: 'DRAFT', createdBy: owner.id, roles: { [owner.id]: 'admin' } });

    const read = await s.api('GET', `/api/v1/events/${id}`, { token: owner.token });
    expect(read.status).toBe(200);
    expect(read.body.status).toBe('DRAFT');

    const edited = await s.api('PATCH', `/api/v1/events/${id}`, { token: owner.token, body: { name: 'Renamed', location: 'Hanoi' } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: 'Renamed', location: 'Hanoi' });

    const cfg = { isPublic: true, isFree: false, ticketSaleStartDate: Date.now(), ticketSaleEndDate: body.startsAt, maxConcurrent: 50 };
    const configured = await s.api('PUT', `/api/v1/events/${id}/config`, { token: owner.token, body: cfg });
    expect(configured.status, JSON.stringify(configured.body)).toBe(200);
    expect(configured.body).toMatchObject({ status: 'CONFIGURED', config: { isPublic: true, maxConcurrent: 50 } });
    // Only a platform admin may waive approval (issue 10); then the event's admin approves.
    const waived = await s.api('PUT', `/api/v1/events/${id}/config`, { token: platformAdmin.token, body: { requiresApproval: false } });
    expect(waived.status, JSON.stringify(waived.body)).toBe(200);

    const access = await s.api('GET', `/api/v1/events/${id}/access`, { token: owner.token });
    expect(access.status).toBe(200);
    expect(access.body).toMatchObject({ eventId: id, userId: owner.id, role: 'admin', status: 'CONFIGURED' });
    expect(access.body.permissions).toContain('approve');

    expect((await s.api('POST', `/api/v1/events/${id}/approve`, { token: owner.token })).body.status).toBe('APPROVED');
    expect((await s.api('POST', `/api/v1/events/${id}/publish`, { token: owner.token })).body.status).toBe('PUBLISHED');

    // Published and public: anyone reads it, without the staff list.
    const anon = await s.api('GET', `/api/v1/events/${id}`);
    expect(anon.status).toBe(200);
    expect(anon.body.status).toBe('PUBLISHED');
    expect(anon.body.roles).toBeUndefined();

    const cancelled = await s.api('POST', `/api/v1/events/${id}/cancel`, { token: owner.token, body: { reason: 'storm' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', cancelReason: 'storm' });
  });

  it('gateway routes - illegal status transitions are 409 with the allowed list', async () => {
    const id = await createEvent(owner.token);
    const publish = await s.api('POST', `/api/v1/events/${id}/publish`, { token: owner.token });
    expect(publish.status).toBe(409);
    expect(publish.body.error).toMatchObject({
      code: 'EVENT_ILLEGAL_TRANSITION',
      details: { from: 'DRAFT', to: 'PUBLISHED', allowed: ['CONFIGURED', 'CANCELLED'] },
    });
    expect((await s.api('POST', `/api/v1/events/${id}/cancel`, { token: owner.token, body: {} })).status).toBe(200);
    const again = await s.api('PUT', `/api/v1/events/${id}/config`, { token: owner.token, body: { isPublic: true } });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'EVENT_ILLEGAL_TRANSITION', details: { from: 'CANCELLED', allowed: [] } });
  });

  it('gateway routes - roles: viewers cannot edit, editors cannot manage roles, strangers cannot see a draft', async () => {
    const [editor, viewer, stranger] = [await s.signUp('editor'), await s.signUp('viewer'), await s.signUp('stranger')];
    const id = await createEvent(owner.token);
    const put = (who: TestUser, token: string, role: string) =>
      s.api('PUT', `/api/v1/events/${id}/roles/${who.id}`, { token, body: { role } });
    expect((await put(editor, owner.token, 'editor')).status).toBe(200);
    const withViewer = await put(viewer, owner.token, 'viewer');
    expect(withViewer.body.roles).toEqual({ [owner.id]: 'admin', [editor.id]: 'editor', [viewer.id]: 'viewer' });

    const viewerEdit = await s.api('PATCH', `/api/v1/events/${id}`, { token: viewer.token, body: { name: 'hijack' } });
    expect(viewerEdit.status).toBe(403);
    expect(viewerEdit.body.error).toMatchObject({ code: 'EVENT_FORBIDDEN', details: { action: 'update', role: 'viewer' } });
    expect((await s.api('GET', `/api/v1/events/${id}`, { token: viewer.token })).status).toBe(200);

    expect((await s.api('PATCH', `/api/v1/events/${id}`, { token: editor.token, body: { description: 'by editor' } })).status).toBe(200);
    const editorRoles = await put(stranger, editor.token, 'admin');
    expect(editorRoles.status).toBe(403);
    expect(editorRoles.body.error).toMatchObject({ code: 'EVENT_FORBIDDEN', details: { action: 'manageRoles' } });
    expect((await s.api('DELETE', `/api/v1/events/${id}/roles/${viewer.id}`, { token: editor.token })).status).toBe(403);

    for (const token of [stranger.token, undefined]) {
      const r = await s.api('GET', `/api/v1/events/${id}`, { ...(token ? { token } : {}) });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('COMMAND_NOT_FOUND');
    }
    const missing = await s.api('GET', '/api/v1/events/ev_doesnotexist', { token: stranger.token });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message.replace('ev_doesnotexist', id)).toBe(
      (await s.api('GET', `/api/v1/events/${id}`, { token: stranger.token })).body.error.message,
    );
    expect((await s.api('GET', `/api/v1/events/${id}/access`, { token: stranger.token })).status).toBe(404);

    const removed = await s.api('DELETE', `/api/v1/events/${id}/roles/${viewer.id}`, { token: owner.token });
    expect(removed.status).toBe(200);
    expect(removed.body.roles[viewer.id]).toBeUndefined();
    expect((await s.api('GET', `/api/v1/events/${id}`, { token: viewer.token })).status).toBe(404);
    const lastAdmin = await s.api('DELETE', `/api/v1/events/${id}/roles/${owner.id}`, { token: owner.token });
    expect(lastAdmin.status).toBe(409);
    expect(lastAdmin.body.error.code).toBe('EVENT_LAST_ADMIN');
    // The platform admin sees and manages every event.
    expect((await s.api('GET', `/api/v1/events/${id}`, { token: platformAdmin.token })).body.roles).toBeDefined();
  });

  it('gateway routes - approval needs a platform admin when requiresApproval', async () => {
    const id = await createEvent(owner.token);
    await s.api('PUT', `/api/v1/events/${id}/config`, { token: owner.token, body: { requiresApproval: true, isPublic: false } });
    const self = await s.api('POST', `/api/v1/events/${id}/approve`, { token: owner.token });
    expect(self.status).toBe(403);
    expect(self.body.error).toMatchObject({ code: 'EVENT_FORBIDDEN', details: { action: 'approve' } });
    const byPlatform = await s.api('POST', `/api/v1/events/${id}/approve`, { token: platformAdmin.token });
    expect(byPlatform.status).toBe(200);
    expect(byPlatform.body.status).toBe('APPROVED');
    expect((await s.api('POST', `/api/v1/events/${id}/publish`, { token: owner.token })).body.status).toBe('PUBLISHED');
    // Published but private: still hidden from others.
    const other = await s.signUp('other');
    expect((await s.api('GET', `/api/v1/events/${id}`, { token: other.token })).status).toBe(404);
  });

  it('gateway routes - create with the same Idempotency-Key returns the same event', async () => {
    const key = `create-${Date.now()}`;
    const headers = { 'idempotency-key': key };
    const first = await s.api('POST', '/api/v1/events', { token: owner.token, headers, body: eventBody('Once') });
    const second = await s.api('POST', '/api/v1/events', { token: owner.token, headers, body: eventBody('Once') });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.eventId).toBe(first.body.eventId);
    expect(second.body.createdAt).toBe(first.body.createdAt);
    // Another user with the same key gets another event; a request without a key gets a new one each time.
    const other = await s.signUp('idem');
    const theirs = await s.api('POST', '/api/v1/events', { token: other.token, headers, body: eventBody('Once') });
    expect(theirs.body.eventId).not.toBe(first.body.eventId);
    expect(await createEvent(owner.token)).not.toBe(await createEvent(owner.token));
    // The same key on a status move repeats the first answer instead of failing as a second move.
    const cancel1 = await s.api('POST', `/api/v1/events/${first.body.eventId}/cancel`, { token: owner.token, headers, body: {} });
    const cancel2 = await s.api('POST', `/api/v1/events/${first.body.eventId}/cancel`, { token: owner.token, headers, body: {} });
    expect([cancel1.status, cancel2.status]).toEqual([200, 200]);
    const cancel3 = await s.api('POST', `/api/v1/events/${first.body.eventId}/cancel`, { token: owner.token, body: {} });
    expect(cancel3.status).toBe(409);
    const badKey = await s.api('POST', '/api/v1/events', { token: owner.token, headers: { 'idempotency-key': 'a b' }, body: eventBody() });
    expect(badKey.status).toBe(400);
  });
});
