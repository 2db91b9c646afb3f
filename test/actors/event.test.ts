/**
 * The `event` actor end to end: its verbs through `createActorClient` over a real nats-server,
 * against an in-process node serving `productionKinds()`. Covers the status lifecycle, role
 * checks (permission before legality), `EVENT_ILLEGAL_TRANSITION` with `allowed`, visibility of
 * `get`, and the domain events stored on `TB_EVENTS`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { clientFor, until } from '../runtime/helpers.js';
import { refusal, send, startKindsNode } from './helpers.js';
import { eventsBy, readEvents } from './events.js';
import type { EventAccess, EventView } from '../../contracts/kinds/event.js';
import type { ActorClient } from '../../actors/client/index.js';

let server: NatsServerHandle;
let node: Awaited<ReturnType<typeof startKindsNode>>;
let nc: NatsConnection;
let client: ActorClient;

beforeAll(async () => {
  server = await startNatsServer();
  node = await startKindsNode(server.url);
  ({ nc, client } = await clientFor(server.url));
});
afterAll(async () => {
  await node?.stop();
  await nc?.close();
  await server?.stop();
});

const alice = { userId: 'alice', platformRoles: [] };
const bob = { userId: 'bob', platformRoles: [] };
const eve = { userId: 'eve', platformRoles: [] };
const root = { userId: 'root', platformRoles: ['admin'] };
const HOUR = 3_600_000;
const startsAt = Date.now() + 30 * 24 * HOUR;

const ev = <R = EventView>(id: string, verb: string, body: Record<string, unknown> = {}) => send<R>(client, 'event', id, verb, body);
const create = (id: string) =>
  ev(id, 'create', { actor: alice, name: 'Concert', startsAt, endsAt: startsAt + 4 * HOUR, categories: ['music'] });

describe('event - verbs over NATS', () => {
  it('event - create answers a DRAFT with the creator as admin; the same create again is the same answer; another is refused', async () => {
    const body = { commandId: 'mk-e1', actor: alice, name: 'Concert', startsAt, endsAt: startsAt + HOUR };
    const view = await client.request<EventView>('event', 'e1', 'create', body);
    expect(view).toMatchObject({ eventId: 'e1', status: 'DRAFT', roles: { alice: 'admin' }, createdBy: 'alice', version: 1 });
    expect(await client.request('event', 'e1', 'create', body)).toEqual(view);
    expect((await refusal(() => create('e1'))).code).toBe('EVENT_ALREADY_EXISTS');
    const dates = await refusal(() => ev('e-bad', 'create', { actor: alice, name: 'x', startsAt, endsAt: startsAt }));
    expect(dates.code).toBe('EVENT_INVALID_DATES');
    expect((await refusal(() => ev('e-bad', 'create', { name: 'x', startsAt, endsAt: startsAt + 1 }))).code).toBe('COMMAND_INVALID');
    expect((await refusal(() => ev('e-none', 'publish', { actor: alice }))).code).toBe('COMMAND_NOT_FOUND');
  });

  it('event - runs the lifecycle DRAFT → CONFIGURED → APPROVED → PUBLISHED → CANCELLED and publishes its events', async () => {
    await create('e2');
    const configured = await ev('e2', 'configure', {
      actor: alice,
      isPublic: true,
      ticketSaleStartDate: startsAt - 7 * 24 * HOUR,
      ticketSaleEndDate: startsAt,
      maxConcurrent: 500,
    });
    expect(configured).toMatchObject({ status: 'CONFIGURED', isPublic: true, config: { maxConcurrent: 500 } });
    expect((await ev('e2', 'approve', { actor: root })).status).toBe('APPROVED');
    expect((await ev('e2', 'publish', { actor: alice })).status).toBe('PUBLISHED');
    const cancelled = await ev('e2', 'cancel', { actor: alice, reason: 'weather' });
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancelReason: 'weather', version: 5 });
    let types: string[] = [];
    await until(async () => (types = (await readEvents(nc, 'event', 'e2')).map((e) => e.type)).length >= 5, 'five events on TB_EVENTS');
    expect(types).toEqual(['event.created', 'event.configured', 'event.approved', 'event.published', 'event.cancelled']);
    const last = eventsBy(await readEvents(nc, 'event', 'e2'), 'event.cancelled', 'eventId').get('e2');
    expect(last).toMatchObject({ eventId: 'e2', by: 'alice', reason: 'weather', projection: { status: 'CANCELLED', version: 5 } });
  });

  it('event - an illegal move answers EVENT_ILLEGAL_TRANSITION with from, to and allowed', async () => {
    await create('e3');
    const publish = await refusal(() => ev('e3', 'publish', { actor: alice }));
    expect([publish.code, publish.status, publish.details]).toEqual([
      'EVENT_ILLEGAL_TRANSITION',
      409,
      { eventId: 'e3', from: 'DRAFT', to: 'PUBLISHED', allowed: ['CONFIGURED', 'CANCELLED'] },
    ]);
    await ev('e3', 'configure', { actor: root, requiresApproval: false });
    expect((await refusal(() => ev('e3', 'publish', { actor: alice }))).details).toMatchObject({
      from: 'CONFIGURED',
      allowed: ['CONFIGURED', 'APPROVED', 'CANCELLED'],
    });
    await ev('e3', 'approve', { actor: alice });
    expect((await refusal(() => ev('e3', 'configure', { actor: alice, isFree: true }))).details).toMatchObject({
      from: 'APPROVED',
      to: 'CONFIGURED',
      allowed: ['PUBLISHED', 'CANCELLED'],
    });
    await ev('e3', 'cancel', { actor: alice });
    expect((await refusal(() => ev('e3', 'cancel', { actor: alice }))).details).toEqual({
      eventId: 'e3',
      from: 'CANCELLED',
      to: 'CANCELLED',
      allowed: [],
    });
    expect((await refusal(() => ev('e3', 'update', { actor: alice, name: 'Again' }))).code).toBe('EVENT_CANCELLED');
  });

  it('event - role checks: editors edit, viewers read, strangers are forbidden before any legality check', async () => {
    await create('e4');
    await ev('e4', 'setRole', { actor: alice, userId: 'bob', role: 'editor' });
    expect((await ev('e4', 'update', { actor: bob, description: 'Best night' })).description).toBe('Best night');
    expect((await ev('e4', 'addTicketClass', { actor: bob, ticketClassId: 'vip' })).ticketClassIds).toEqual(['vip']);
    const cancel = await refusal(() => ev('e4', 'cancel', { actor: bob }));
    expect([cancel.code, cancel.status, cancel.details]).toEqual([
      'EVENT_FORBIDDEN',
      403,
      { eventId: 'e4', userId: 'bob', action: 'cancel', role: 'editor' },
    ]);
    expect((await refusal(() => ev('e4', 'setRole', { actor: bob, userId: 'eve', role: 'viewer' }))).details).toMatchObject({
      action: 'manageRoles',
    });
    // A stranger asking for an illegal move learns nothing: forbidden, not illegal.
    expect((await refusal(() => ev('e4', 'publish', { actor: eve }))).details).toMatchObject({
      userId: 'eve',
      action: 'publish',
      role: null,
    });
    // An event admin may not approve when approval is required; a platform admin may.
    expect((await ev('e4', 'configure', { actor: alice, requiresApproval: true })).status).toBe('CONFIGURED');
    expect((await refusal(() => ev('e4', 'approve', { actor: alice }))).details).toMatchObject({ action: 'approve', role: 'admin' });
    expect((await ev('e4', 'approve', { actor: root })).status).toBe('APPROVED');
    expect((await refusal(() => ev('e4', 'setRole', { actor: alice, userId: 'alice', role: 'viewer' }))).code).toBe('EVENT_LAST_ADMIN');
    await ev('e4', 'setRole', { actor: alice, userId: 'eve', role: 'viewer' });
    expect(await ev<EventAccess>('e4', 'checkAccess', { userId: 'eve' })).toEqual({
      eventId: 'e4',
      userId: 'eve',
      role: 'viewer',
      status: 'APPROVED',
      permissions: ['read', 'seeSales'],
    });
    expect((await refusal(() => ev('e4', 'update', { actor: eve, name: 'Mine' }))).details).toMatchObject({
      action: 'update',
      role: 'viewer',
    });
  });

  it('event - get shows staff everything and strangers only a published public event', async () => {
    await create('e5');
    expect((await ev('e5', 'get', { viewer: alice })).roles).toEqual({ alice: 'admin' });
    expect((await refusal(() => ev('e5', 'get'))).details).toMatchObject({ eventId: 'e5', userId: null, action: 'read' });
    expect((await refusal(() => ev('e5', 'get', { viewer: eve }))).code).toBe('EVENT_FORBIDDEN');
    await ev('e5', 'configure', { actor: root, requiresApproval: false, isPublic: true });
    await ev('e5', 'approve', { actor: alice });
    await ev('e5', 'publish', { actor: alice });
    const seen = await ev('e5', 'get');
    expect(seen).toMatchObject({ status: 'PUBLISHED', name: 'Concert' });
    expect(seen.roles).toBeUndefined();
    expect((await ev('e5', 'get', { viewer: root })).roles).toEqual({ alice: 'admin' });
    const invalid = await refusal(() => ev('e5', 'configure', { actor: alice, maxConcurrent: 0 }));
    expect(invalid.code).toBe('COMMAND_INVALID');
  });
});
