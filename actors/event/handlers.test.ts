/**
 * @module actors/event/handlers.test
 * The event verbs as the runtime drives them (schema → init → toEvent → transition → reply),
 * without NATS: permissions by role, EVENT_ILLEGAL_TRANSITION facts, visibility of `get`.
 */
import { describe, expect, it } from 'vitest';
import type { SnapshotFrom } from 'xstate';
import { TbError, validate } from '../../contracts/index.js';
import { applyCommand } from '../runtime/index.js';
import { eventKind } from './index.js';

type Snap = SnapshotFrom<typeof eventKind.machine>;
const alice = { userId: 'alice', platformRoles: [] };
const bob = { userId: 'bob', platformRoles: [] };
const eve = { userId: 'eve', platformRoles: [] };
const root = { userId: 'root', platformRoles: ['admin'] };

/** One actor driven by the runtime's own `applyCommand` (what the activation runs per command). */
class Harness {
  snapshot: Snap | undefined;
  private n = 0;
  send(verb: string, body: Record<string, unknown>, now = 1_000): { result?: any; error?: TbError } {
    let cmd: Record<string, unknown>;
    try {
      cmd = validate(eventKind.handlers[verb]!.schema, { commandId: `c${++this.n}`, ...body });
    } catch (err) {
      if (err instanceof TbError) return { error: err };
      throw err;
    }
    const { outcome, snapshot } = applyCommand(eventKind, verb, cmd, this.snapshot, { id: 'ev1', now });
    this.snapshot = snapshot as Snap | undefined;
    if (outcome.ok) return { result: outcome.result };
    if (outcome.error.code === 'INTERNAL' && outcome.error.cause !== undefined) throw outcome.error.cause;
    return { error: outcome.error };
  }
}

function created(): Harness {
  const h = new Harness();
  const r = h.send('create', {
    actor: alice,
    name: 'Concert',
    startsAt: 100_000,
    endsAt: 200_000,
    categories: ['music'],
    organizer: { name: 'Org', email: 'o@example.com' },
  });
  expect(r.error).toBeUndefined();
  return h;
}

describe('event handlers', () => {
  it('create answers the draft view with the creator as admin; another create is refused', () => {
    const h = new Harness();
    const body = { commandId: 'mk', actor: alice, name: 'Concert', startsAt: 1, endsAt: 2 };
    expect(h.send('create', body).result).toMatchObject({
      eventId: 'ev1',
      status: 'DRAFT',
      roles: { alice: 'admin' },
      createdBy: 'alice',
      version: 1,
    });
    expect(h.send('create', body).result).toMatchObject({ status: 'DRAFT' });
    expect(h.send('create', { ...body, commandId: 'other' }).error?.code).toBe('EVENT_ALREADY_EXISTS');
    expect(new Harness().send('create', { actor: alice, name: 'x', startsAt: 5, endsAt: 5 }).error?.code).toBe('EVENT_INVALID_DATES');
    expect(new Harness().send('create', { name: 'x', startsAt: 1, endsAt: 5 }).error?.code).toBe('COMMAND_INVALID');
  });

  it('an illegal move names from, to and the allowed moves', () => {
    const h = created();
    const e = h.send('publish', { actor: alice }).error!;
    expect([e.code, e.status, e.details]).toEqual([
      'EVENT_ILLEGAL_TRANSITION',
      409,
      { eventId: 'ev1', from: 'DRAFT', to: 'PUBLISHED', allowed: ['CONFIGURED', 'CANCELLED'] },
    ]);
    h.send('cancel', { actor: alice });
    expect(h.send('cancel', { actor: alice }).error?.details).toMatchObject({ from: 'CANCELLED', to: 'CANCELLED', allowed: [] });
    expect(h.send('update', { actor: alice, name: 'x' }).error?.code).toBe('EVENT_CANCELLED');
  });

  it('runs the whole lifecycle and approval rules', () => {
    const h = created();
    expect(
      h.send('configure', { actor: alice, isPublic: true, ticketSaleStartDate: 10_000, ticketSaleEndDate: 90_000 }).result.status,
    ).toBe('CONFIGURED');
    const forbidden = h.send('approve', { actor: alice }).error!;
    expect([forbidden.code, forbidden.status, forbidden.details]).toEqual([
      'EVENT_FORBIDDEN',
      403,
      { eventId: 'ev1', userId: 'alice', action: 'approve', role: 'admin' },
    ]);
    expect(h.send('approve', { actor: root }).result.status).toBe('APPROVED');
    expect(h.send('configure', { actor: alice, isFree: true }).error?.details).toMatchObject({ from: 'APPROVED', to: 'CONFIGURED' });
    expect(h.send('publish', { actor: alice }).result).toMatchObject({ status: 'PUBLISHED', version: 4 });
  });

  it('checks dates on configure and update', () => {
    const h = created();
    expect(h.send('configure', { actor: alice, ticketSaleStartDate: 5, ticketSaleEndDate: 5 }).error?.code).toBe('EVENT_INVALID_DATES');
    expect(h.send('configure', { actor: alice, ticketSaleEndDate: 300_000 }).error?.details).toMatchObject({
      reason: 'ticketSaleEndDate must not be after endsAt',
    });
    expect(h.send('update', { actor: alice, endsAt: 50_000 }).error?.code).toBe('EVENT_INVALID_DATES');
    expect(h.send('configure', { actor: alice, maxConcurrent: 0 }).error?.code).toBe('COMMAND_INVALID');
  });

  it('enforces role permissions: editor updates and links classes, viewer reads, strangers get 403', () => {
    const h = created();
    h.send('setRole', { actor: alice, userId: 'bob', role: 'editor' });
    expect(h.send('update', { actor: bob, description: 'Best night' }).result.description).toBe('Best night');
    expect(h.send('addTicketClass', { actor: bob, ticketClassId: 'vip' }).result.ticketClassIds).toEqual(['vip']);
    expect(h.send('addTicketClass', { actor: bob, ticketClassId: 'vip' }).result.version).toBe(4);
    expect(h.send('cancel', { actor: bob }).error?.details).toMatchObject({ action: 'cancel', role: 'editor' });
    expect(h.send('setRole', { actor: bob, userId: 'eve', role: 'viewer' }).error?.code).toBe('EVENT_FORBIDDEN');
    expect(h.send('update', { actor: eve, name: 'mine' }).error?.details).toMatchObject({ userId: 'eve', role: null });
    expect(h.send('update', { actor: eve, name: 'Concert' }).error?.code).toBe('EVENT_FORBIDDEN');
    expect(h.send('setRole', { actor: alice, userId: 'alice', role: 'viewer' }).error?.code).toBe('EVENT_LAST_ADMIN');
  });

  it('get shows staff everything, and strangers only a published public event', () => {
    const h = created();
    expect(h.send('get', { viewer: alice }).result.roles).toEqual({ alice: 'admin' });
    expect(h.send('get', {}).error?.code).toBe('EVENT_FORBIDDEN');
    expect(h.send('get', { viewer: eve }).error?.details).toMatchObject({ action: 'read', userId: 'eve' });
    h.send('configure', { actor: root, requiresApproval: false, isPublic: true });
    h.send('approve', { actor: alice });
    h.send('publish', { actor: alice });
    const seen = h.send('get', {}).result;
    expect(seen).toMatchObject({ status: 'PUBLISHED', name: 'Concert', organizer: { name: 'Org' } });
    expect(seen.roles).toBeUndefined();
    const hidden = created();
    hidden.send('configure', { actor: alice, isPublic: false });
    hidden.send('approve', { actor: root });
    expect(hidden.send('publish', { actor: alice }).result.status).toBe('PUBLISHED');
    expect(hidden.send('get', { viewer: eve }).error?.code).toBe('EVENT_FORBIDDEN');
    expect(hidden.send('get', { viewer: root }).result.roles).toEqual({ alice: 'admin' });
  });

  it('checkAccess answers the role and permissions', () => {
    const h = created();
    h.send('setRole', { actor: alice, userId: 'bob', role: 'viewer' });
    expect(h.send('checkAccess', { userId: 'bob' }).result).toEqual({
      eventId: 'ev1',
      userId: 'bob',
      role: 'viewer',
      status: 'DRAFT',
      permissions: ['read', 'seeSales'],
    });
    expect(h.send('checkAccess', { userId: 'eve' }).result).toMatchObject({ role: null, permissions: [] });
    expect(h.send('checkAccess', { userId: 'root', platformRoles: ['admin'] }).result.permissions).toContain('approve');
  });
});
