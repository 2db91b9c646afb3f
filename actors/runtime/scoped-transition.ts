/**
 * @module actors/runtime/scoped-transition
 * XState's pure `transition` / `initialTransition` with one inert actor scope per machine,
 * reused by every call, instead of a throw-away actor per call.
 *
 * Why: xstate 5.33's `transition(logic, snapshot, event)` calls `createInertActorScope(logic)`,
 * which runs `createActor(logic)`; the Actor constructor eagerly computes the machine's initial
 * snapshot (running its root entry actions on an empty context: the order machine throws a
 * `TypeError` there, caught inside XState) and builds an actor system, on every transition.
 * That cost 50–67 µs a transition against 4.2 µs with a reused scope.
 *
 * What stays the same: the scope below is the one `createInertActorScope` builds (an unstarted
 * actor of the same logic as `self`, no-op `defer` / `emit` / `stopChild` / `logger`), and its
 * `actionExecutor` only records, so the machine's `transition(snapshot, event, scope)` and
 * `getInitialSnapshot(scope, input)` return the same snapshot and the same to-do list of actions
 * the pure functions return (`scoped-transition.test.ts` checks every kind's machine tests
 * against them). Nothing is executed, so the machines stay pure and the runtime owns every effect.
 *
 * Why it is safe to reuse: a transition is synchronous, and the scope holds no state between
 * calls except its actor system, where only children with a `systemId` would register. No kind
 * invokes or spawns children (deadlines are durable timers, effects are emitted events);
 * `scopedTransitions` refuses a machine that does, so a future one falls back loudly.
 */
import { createActor, type AnyActorScope, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';

/** `[next snapshot, actions to execute]`, as xstate's `transition` / `initialTransition` return. */
export type TransitionResult = [AnyMachineSnapshot, Array<{ type: string; params?: unknown }>];

export interface ScopedTransitions {
  transition(snapshot: AnyMachineSnapshot, event: EventObject): TransitionResult;
  initialTransition(input: unknown): TransitionResult;
}

const cache = new WeakMap<AnyStateMachine, ScopedTransitions>();

/** True when some state node of `machine` invokes an actor (those need a fresh system per call). */
function invokesChildren(machine: AnyStateMachine): boolean {
  const stack = [machine.root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.invoke.length > 0) return true;
    stack.push(...Object.values(node.states));
  }
  return false;
}

/** The reused scope and the two transition functions of `machine` (built once per machine). */
export function scopedTransitions(machine: AnyStateMachine): ScopedTransitions {
  const cached = cache.get(machine);
  if (cached) return cached;
  if (invokesChildren(machine))
    throw new Error(`scopedTransitions: machine ${machine.id} invokes actors; its transitions need a fresh scope each`);
  // The same shape as xstate's createInertActorScope (an unstarted actor of this logic as `self`).
  const self = createActor(machine);
  let sink: Array<{ type: string; params?: unknown }> = [];
  const scope = {
    self,
    defer: () => undefined,
    id: '',
    logger: () => undefined,
    sessionId: '',
    stopChild: () => undefined,
    system: self.system,
    emit: () => undefined,
    actionExecutor: (action: { type: string; params?: unknown }) => {
      sink.push(action);
    },
  } as unknown as AnyActorScope;
  const run = (step: () => AnyMachineSnapshot): TransitionResult => {
    const actions: Array<{ type: string; params?: unknown }> = [];
    sink = actions;
    try {
      return [step(), actions];
    } finally {
      sink = [];
    }
  };
  const t: ScopedTransitions = {
    transition: (snapshot, event) => run(() => machine.transition(snapshot as never, event as never, scope as never) as AnyMachineSnapshot),
    initialTransition: (input) => run(() => machine.getInitialSnapshot(scope as never, input as never) as AnyMachineSnapshot),
  };
  cache.set(machine, t);
  return t;
}
