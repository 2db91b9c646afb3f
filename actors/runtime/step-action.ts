/**
 * @module actors/runtime/step-action
 * The one action every kind's machine is made of: a pure reducer decides the next context and
 * the domain events, and the action assigns the one and emits the others. xstate's
 * `enqueueActions` infers its action type too loosely for `setup({ actions })`, so the cast that
 * types it lives here once, instead of in every kind.
 */
import { enqueueActions, type ActionFunction, type EventObject } from 'xstate';

/** What a reducer answers: the next context (the same object when nothing changed) and what to emit. */
export interface Step<C, Emitted> {
  ctx: C;
  emitted: readonly Emitted[];
}

/** A typed named action from a pure reducer `(context, event, params) → { ctx, emitted }`. */
export function stepAction<C extends object, E extends EventObject, Emitted extends EventObject, P = undefined>(
  reduce: (context: C, event: E, params: P) => Step<C, Emitted>,
): ActionFunction<C, E, E, P, never, never, never, never, Emitted> {
  return enqueueActions<C, E, P, E, never, never, never, never, Emitted>(({ context, event, enqueue }, params) => {
    const step = reduce(context, event, params);
    if (step.ctx !== context) enqueue.assign(() => step.ctx);
    for (const emitted of step.emitted) enqueue.emit(emitted);
  }) as unknown as ActionFunction<C, E, E, P, never, never, never, never, Emitted>;
}
