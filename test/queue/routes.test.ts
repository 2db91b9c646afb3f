/**
 * The waitroom's REST routes over the real stack (gateway, actor node, NATS, PostgreSQL):
 * join / me / claim / leave and the public counters, plus bad input and missing auth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRoutesStack, type RoutesStack, type TestUser } from '../gateway/routes/setup.js';
import { seedHashOf } from '../../contracts/kinds/queue.js';
import { publishEvent } from './helpers.js';

let stack: RoutesStack;
let ann: TestUser;
let bob: TestUser;

beforeAll(async () => {
  stack = await startRoutesStack();
  [ann, bob] = [await stack.signUp('ann'), await stack.signUp('bob')];
});
afterAll(async () => {
  await stack?.stop();
});

describe('queue - routes', () => {
  it('queue - join, me, claim, leave and the public counters', async () => {
    await publishEvent(stack.actors, 'ev-rest', { saleStartsAt: Date.now() - 1_000, maxConcurrent: 1 });
    const a = await stack.api('POST', '/api/v1/events/ev-rest/queue/join', { token: ann.token });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ eventId: 'ev-rest', ticket: 1, position: 1, state: 'admitted', token: expect.any(String) });
    const again = await stack.api('POST', '/api/v1/events/ev-rest/queue/join', { token: ann.token });
    expect(again.body.sessionId).toBe(a.body.sessionId);
    const b = await stack.api('POST', '/api/v1/events/ev-rest/queue/join', { token: bob.token });
    expect(b.body).toMatchObject({ state: 'queued', position: 2, ahead: 0 });
    const early = await stack.api('POST', '/api/v1/events/ev-rest/queue/claim', { token: bob.token });
    expect([early.status, early.body.error.code]).toEqual([409, 'QUEUE_NOT_YOUR_TURN']);

    const pub = await stack.api('GET', '/api/v1/events/ev-rest/queue');
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({ cursor: 1, joined: 2, slotsInUse: 1, phase: 'open', preQueueSize: 0 });
    expect(seedHashOf(pub.body.seed)).toBe(pub.body.seedHash);
    expect(JSON.stringify(pub.body)).not.toContain(ann.id);

    // ann gives her slot back: bob's poll finds his turn and claims it.
    const left = await stack.api('POST', '/api/v1/events/ev-rest/queue/leave', { token: ann.token });
    expect(left.body).toMatchObject({ state: 'left' });
    const me = await stack.api('GET', '/api/v1/events/ev-rest/queue/me', { token: bob.token });
    expect(me.body).toMatchObject({ state: 'admitted', position: 2, token: expect.any(String), tokenExpiresAt: expect.any(Number) });
    const claim = await stack.api('POST', '/api/v1/events/ev-rest/queue/claim', { token: bob.token });
    expect(claim.body).toMatchObject({ state: 'admitted', tokenExpiresAt: me.body.tokenExpiresAt });
    expect((await stack.api('GET', '/api/v1/events/ev-rest/queue/me', { token: ann.token })).body.state).toBe('left');
  });

  it('queue - bad input, missing auth, unknown queue and events without a waitroom', async () => {
    expect((await stack.api('POST', '/api/v1/events/ev-rest/queue/join')).status).toBe(401);
    expect((await stack.api('GET', '/api/v1/events/ev-rest/queue/me')).status).toBe(401);
    const badId = await stack.api('POST', '/api/v1/events/a.b/queue/join', { token: ann.token });
    expect([badId.status, badId.body.error.code]).toEqual([400, 'COMMAND_INVALID']);
    const missing = await stack.api('POST', '/api/v1/events/ev-nope/queue/join', { token: ann.token });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'COMMAND_NOT_FOUND']);
    expect((await stack.api('GET', '/api/v1/events/ev-nope/queue')).status).toBe(404);
    await publishEvent(stack.actors, 'ev-nowr', { allowWaitRoom: false });
    const off = await stack.api('POST', '/api/v1/events/ev-nowr/queue/join', { token: ann.token });
    expect([off.status, off.body.error.code]).toEqual([409, 'QUEUE_NOT_ENABLED']);
    const notJoined = await stack.api('GET', '/api/v1/events/ev-rest/queue/me', { token: (await stack.signUp('cat')).token });
    expect([notJoined.status, notJoined.body.error.code]).toEqual([404, 'QUEUE_NOT_JOINED']);
  });
});
