/**
 * @module actors/runtime/scoped-transition.test
 * The reused-scope transitions give exactly what XState's pure functions give. Every kind's
 * machine tests run again here with `transition` / `initialTransition` from 'xstate' replaced by
 * a checker that computes both the pure result (a throw-away actor per call) and the scoped one
 * (`scopedTransitions`), fails on any difference in the persisted snapshot, the emitted actions
 * (type and params) or a thrown error, and hands the scoped result on, so each machine test's
 * whole scenario (and its fast-check properties) runs on the runtime's path.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';

const h = vi.hoisted(() => ({
  scoped: undefined as
    | undefined
    | ((m: AnyStateMachine) => { transition(s: AnyMachineSnapshot, e: EventObject): unknown; initialTransition(i: unknown): unknown }),
  checked: { transition: 0, initialTransition: 0 },
}));

vi.mock('xstate', async (importOriginal) => {
  const actual = await importOriginal<typeof import('xstate')>();
  type Pair = [AnyMachineSnapshot, Array<{ type: string; params?: unknown }>];
  // Compared as JSON text (fast enough for the queue's 200,000-join scale test; expect().toEqual is not).
  const view = (machine: AnyStateMachine, [snap, actions]: Pair) =>
    JSON.stringify({
      snapshot: machine.getPersistedSnapshot(snap),
      actions: actions.map((a) => ({ type: a.type, params: a.params ?? null })),
    });
  const outcome = (f: () => Pair): { ok: true; value: Pair } | { ok: false; error: string } => {
    try {
      return { ok: true, value: f() };
    } catch (err) {
      return { ok: false, error: String(err) };
    }
  };
  const check = (machine: AnyStateMachine, pure: () => Pair, scoped: () => Pair): Pair => {
    const a = outcome(pure);
    const b = outcome(scoped);
    if (!a.ok || !b.ok) {
      expect(b.ok ? 'returned' : b.error).toEqual(a.ok ? 'returned' : a.error);
      if (!b.ok) throw new Error(b.error);
    }
    const va = view(machine, (a as { value: Pair }).value);
    const vb = view(machine, (b as { value: Pair }).value);
    if (va !== vb) expect(JSON.parse(vb)).toEqual(JSON.parse(va)); // shows the difference
    return (b as { value: Pair }).value;
  };
  return {
    ...actual,
    transition: (machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: EventObject) => {
      h.checked.transition++;
      return check(
        machine,
        () => actual.transition(machine, snapshot, event) as never,
        () => h.scoped!(machine).transition(snapshot, event) as never,
      );
    },
    initialTransition: (machine: AnyStateMachine, input?: unknown) => {
      h.checked.initialTransition++;
      return check(
        machine,
        () => actual.initialTransition(machine, input as never) as never,
        () => h.scoped!(machine).initialTransition(input) as never,
      );
    },
  };
});

import { scopedTransitions } from './scoped-transition.js';
import '../event/machine.test.js';
import '../order/machine.test.js';
import '../ordercode/machine.test.js';
import '../queue/machine.test.js';
import '../ticketclass/machine.test.js';

h.scoped = scopedTransitions as never;

describe('scopedTransitions', () => {
  it('is built once per machine and reused', async () => {
    const { orderMachine } = await import('../order/machine.js');
    expect(scopedTransitions(orderMachine)).toBe(scopedTransitions(orderMachine));
  });
});

afterAll(() => {
  // Every kind's tests went through the checker (not silently around it).
  expect(h.checked.transition).toBeGreaterThan(100);
  expect(h.checked.initialTransition).toBeGreaterThan(10);
});
