/**
 * @module test/security/event-approval.test
 * Attack (issue 10, item 6): an event's editor or admin sends `requiresApproval: false` with the
 * configuration and then approves the event themselves, skipping the platform's approval. Only a
 * platform admin may change the flag; everyone else gets 403 `EVENT_FORBIDDEN` and the event is
 * left exactly as it was. Real NATS, PostgreSQL, actors and uWebSockets.js.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventBody, startRoutesStack, type RoutesStack, type TestUser } from '../gateway/routes/setup.js';

let s: RoutesStack;
let owner: TestUser;
let editor: TestUser;
let platformAdmin: TestUser;
beforeAll(async () => {
  s = await startRoutesStack();
  [owner, editor] = [await s.signUp('owner'), await s.signUp('editor')];
  platformAdmin = await s.signUp('platform', { admin: true });
});
afterAll(async () => {
  await s?.stop();
});

async function newEvent(): Promise<string> {
  const id = (await s.api('POST', '/api/v1/events', { token: owner.token, body: eventBody('Approval') })).body.eventId as string;
  expect((await s.api('PUT', `/api/v1/events/${id}/roles/${editor.id}`, { token: owner.token, body: { role: 'editor' } })).status).toBe(
    200,
  );
  return id;
}

describe("security - requiresApproval is the platform's to change", () => {
  it('security - an editor cannot waive approval and then the event stays unapproved', async () => {
    const id = await newEvent();
    const waive = await s.api('PUT', `/api/v1/events/${id}/config`, {
      token: editor.token,
      body: { isPublic: true, requiresApproval: false },
    });
    expect(waive.status, JSON.stringify(waive.body)).toBe(403);
    expect(waive.body.error).toMatchObject({ code: 'EVENT_FORBIDDEN', details: { field: 'requiresApproval', role: 'editor' } });
    const after = (await s.api('GET', `/api/v1/events/${id}`, { token: owner.token })).body;
    expect(after).toMatchObject({ status: 'DRAFT', config: { requiresApproval: true } });
    // Nothing else of the refused configuration was applied either.
    expect(after.version).toBe(2);
    expect((await s.api('POST', `/api/v1/events/${id}/approve`, { token: owner.token })).status).toBe(403);
  });

  it('security - the event admin cannot waive approval either; a platform admin can', async () => {
    const id = await newEvent();
    expect((await s.api('PUT', `/api/v1/events/${id}/config`, { token: owner.token, body: { isPublic: true } })).status).toBe(200);
    const self = await s.api('PUT', `/api/v1/events/${id}/config`, { token: owner.token, body: { requiresApproval: false } });
    expect(self.status).toBe(403);
    expect(self.body.error).toMatchObject({ code: 'EVENT_FORBIDDEN', details: { field: 'requiresApproval', role: 'admin' } });
    const approve = await s.api('POST', `/api/v1/events/${id}/approve`, { token: owner.token });
    expect(approve.status).toBe(403);
    expect(approve.body.error).toMatchObject({ code: 'EVENT_FORBIDDEN', details: { action: 'approve' } });
    // Re-sending the current value is not a change: allowed, so a full config form still works.
    expect(
      (await s.api('PUT', `/api/v1/events/${id}/config`, { token: editor.token, body: { requiresApproval: true, isFree: false } })).status,
    ).toBe(200);
    // The platform admin may waive it; then the event's own admin approves.
    const waived = await s.api('PUT', `/api/v1/events/${id}/config`, { token: platformAdmin.token, body: { requiresApproval: false } });
    expect(waived.status, JSON.stringify(waived.body)).toBe(200);
    expect(waived.body.config.requiresApproval).toBe(false);
    expect((await s.api('POST', `/api/v1/events/${id}/approve`, { token: owner.token })).body.status).toBe('APPROVED');
  });

  it('security - an editor cannot switch approval back on to block a waived event either', async () => {
    const id = await newEvent();
    expect(
      (await s.api('PUT', `/api/v1/events/${id}/config`, { token: platformAdmin.token, body: { requiresApproval: false } })).status,
    ).toBe(200);
    const flip = await s.api('PUT', `/api/v1/events/${id}/config`, { token: editor.token, body: { requiresApproval: true } });
    expect(flip.status).toBe(403);
    expect((await s.api('GET', `/api/v1/events/${id}`, { token: owner.token })).body.config.requiresApproval).toBe(false);
  });
});
