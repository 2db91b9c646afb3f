/**
 * @module actors/event/machine.test
 * Pure tests of the event machine: status moves, guards (permission, legality, bounds), context
 * changes and the emitted events with their projection; plus a property test that no random
 * command sequence breaks the invariants (≥ 1 admin, ≤ 200 staff, version grows per event).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { eventMachine as machine } from './machine.js';
import type { EventMachineEvent } from './types.js';

type Snap = SnapshotFrom<typeof machine>;
const alice = { userId: 'alice', platformRoles: [] };
const bob = { userId: 'bob', platformRoles: [] };
const root = { userId: 'root', platformRoles: ['admin'] };

function emittedOf(actions: unknown[]): Array<{ type: string } & Record<string, any>> {
  return (actions as Array<{ type: string; params?: { event: { type: string } } }>)
    .filter((a) => a.type === 'xstate.emit')
    .map((a) => a.params!.event as { type: string } & Record<string, any>);
}

function step(s: Snap, e: EventMachineEvent) {
  const [next, actions] = transition(machine, s, e);
  return { s: next, events: emittedOf(actions) };
}

function created(): Snap {
  return initialTransition(machine, {
    eventId: 'ev1',
    name: 'Concert',
    startsAt: 100_000,
    endsAt: 200_000,
    createdBy: 'alice',
    createCommandId: 'c0',
    now: 1,
  })[0];
}

describe('event machine', () => {
  it('starts in draft with the creator as admin and emits created with the projection', () => {
    const [s, actions] = initialTransition(machine, {
      eventId: 'ev1',
      name: 'Concert',
      startsAt: 1,
      endsAt: 2,
      createdBy: 'alice',
      createCommandId: 'c0',
      now: 5,
    });
    expect(s.value).toBe('draft');
    expect(s.context.roles).toEqual({ alice: 'admin' });
    expect(emittedOf(actions)).toEqual([
      expect.objectContaining({
        type: 'event.created',
        eventId: 'ev1',
        by: 'alice',
        at: 5,
        projection: expect.objectContaining({ status: 'DRAFT', name: 'Concert', createdBy: 'alice', isPublic: true, version: 1 }),
      }),
    ]);
  });

  it('walks DRAFT → CONFIGURED → APPROVED → PUBLISHED with the right people', () => {
    let r = step(created(), { type: 'event.configure', config: { isFree: true }, by: alice, now: 2 });
    expect([r.s.value, r.events[0]?.type, r.events[0]?.projection.status, r.events[0]?.config.isFree]).toEqual([
      'configured',
      'event.configured',
      'CONFIGURED',
      true,
    ]);
    r = step(r.s, { type: 'event.configure', config: { maxConcurrent: 500 }, by: alice, now: 3 });
    expect(r.s.context.config).toMatchObject({ isFree: true, maxConcurrent: 500 });
    // requiresApproval defaults to true: the event admin cannot approve, a platform admin can.
    expect(step(r.s, { type: 'event.approve', by: alice, now: 4 }).s).toBe(r.s);
    r = step(r.s, { type: 'event.approve', by: root, now: 4 });
    expect(r.s.value).toBe('approved');
    r = step(r.s, { type: 'event.publish', by: alice, now: 5 });
    expect([r.s.value, r.events[0]?.projection.status, r.s.context.version]).toEqual(['published', 'PUBLISHED', 5]);
  });

  it('lets an event admin approve when a platform admin set requiresApproval to false', () => {
    const s = step(created(), { type: 'event.configure', config: { requiresApproval: false }, by: root, now: 2 }).s;
    expect(step(s, { type: 'event.approve', by: alice, now: 3 }).s.value).toBe('approved');
  });

  it('ignores illegal moves and forbidden users', () => {
    const s = created();
    expect(step(s, { type: 'event.publish', by: alice, now: 2 }).s).toBe(s);
    expect(step(s, { type: 'event.configure', config: {}, by: bob, now: 2 }).s).toBe(s);
    expect(step(s, { type: 'event.cancel', by: bob, now: 2 }).s).toBe(s);
  });

  it('cancels from any state, once, and then changes nothing', () => {
    const r = step(created(), { type: 'event.cancel', reason: 'storm', by: alice, now: 2 });
    expect([r.s.value, r.s.status, r.s.context.cancelReason, r.events[0]?.reason]).toEqual(['cancelled', 'done', 'storm', 'storm']);
    expect(step(r.s, { type: 'event.update', changes: { name: 'x' }, by: alice, now: 3 }).events).toEqual([]);
  });

  it('manages roles, keeps the last admin, and reports the previous role', () => {
    let r = step(created(), { type: 'event.setRole', userId: 'bob', role: 'editor', by: alice, now: 2 });
    expect(r.events[0]).toMatchObject({ type: 'event.roleChanged', userId: 'bob', role: 'editor', previousRole: null });
    expect(step(r.s, { type: 'event.setRole', userId: 'carol', role: 'viewer', by: bob, now: 3 }).events).toEqual([]);
    expect(step(r.s, { type: 'event.setRole', userId: 'alice', role: null, by: alice, now: 3 }).events).toEqual([]);
    r = step(r.s, { type: 'event.setRole', userId: 'bob', role: 'admin', by: alice, now: 3 });
    r = step(r.s, { type: 'event.setRole', userId: 'alice', role: null, by: bob, now: 4 });
    expect(r.s.context.roles).toEqual({ bob: 'admin' });
  });

  it('links ticket classes once each, up to 50; editors may link', () => {
    let s = step(created(), { type: 'event.setRole', userId: 'bob', role: 'editor', by: alice, now: 2 }).s;
    for (let i = 0; i < 55; i++) s = step(s, { type: 'event.addTicketClass', ticketClassId: `tc${i % 52}`, by: bob, now: 3 + i }).s;
    expect(s.context.ticketClassIds).toHaveLength(50);
    expect(new Set(s.context.ticketClassIds).size).toBe(50);
  });
});

describe('event machine - invariants (property)', () => {
  const user = fc.constantFrom(alice, bob, root, { userId: 'carol', platformRoles: [] });
  const target = fc.constantFrom('alice', 'bob', 'carol', 'dave');
  const role = fc.constantFrom('admin' as const, 'editor' as const, 'viewer' as const, null);
  const ev = fc.oneof(
    fc.record({ type: fc.constant('event.setRole' as const), userId: target, role, by: user }),
    fc.record({ type: fc.constant('event.configure' as const), config: fc.record({ requiresApproval: fc.boolean() }), by: user }),
    fc.record({ type: fc.constantFrom('event.approve' as const, 'event.publish' as const, 'event.cancel' as const), by: user }),
    fc.record({
      type: fc.constant('event.update' as const),
      changes: fc.record({ name: fc.string({ minLength: 1, maxLength: 5 }) }),
      by: user,
    }),
  );

  it('always keeps an admin, version grows by exactly one per emitted event, approval switched by platform admins only', () => {
    fc.assert(
      fc.property(fc.array(ev, { maxLength: 60 }), (events) => {
        let s = created();
        events.forEach((e, i) => {
          const r = step(s, { ...e, now: 10 + i } as EventMachineEvent);
          expect(r.s.context.version).toBe(s.context.version + r.events.length);
          expect(Object.values(r.s.context.roles)).toContain('admin');
          for (const out of r.events) expect(out.projection.version).toBe(r.s.context.version);
          if (s.value === 'cancelled') expect(r.s).toBe(s);
          // Only a platform admin ever switches approval (issue 10: editors could skip it).
          if (r.s.context.config.requiresApproval !== s.context.config.requiresApproval) expect(e.by.platformRoles).toContain('admin');
          s = r.s;
        });
      }),
      { numRuns: 300 },
    );
  });
});
