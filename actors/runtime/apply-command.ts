/**
 * @module actors/runtime/apply-command
 * One command against one actor's snapshot, exactly as the activation applies it, and pure: init
 * the actor when it does not exist and the verb may create it, turn the command into a machine
 * event (or a refusal), transition, reply. The activation passes transition functions that also
 * collect the machine's actions for the batch; a handler test passes none and gets plain
 * `initialTransition` / `transition`.
 */
import { initialTransition, transition, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { TbError } from '../../contracts/index.js';
import type { ActorKind, CommandContext } from './types.js';

/** A command's answer: the reply's result, or the error to answer. */
export type CommandOutcome = { ok: true; result: unknown } | { ok: false; error: TbError };

/** How the snapshot moves: `init` makes the first snapshot, `step` applies an event to the current one. */
export interface CommandTransitions {
  init(input: unknown, requestId: string | undefined): AnyMachineSnapshot;
  step(event: EventObject, requestId: string | undefined): AnyMachineSnapshot;
}

/** What `applyCommand` needs besides the kind and the command. */
export interface ApplyOptions {
  id: string;
  now: number;
  requestId?: string;
  /** Default: plain `initialTransition` / `transition` of the kind's machine from `snapshot`. */
  transitions?: CommandTransitions;
}

/**
 * Apply the validated command `cmd` of `verb` to `snapshot` (undefined: the actor does not exist).
 * Answers the outcome and the snapshot after it. A handler that throws something other than a
 * `TbError` answers `INTERNAL` with the error as its cause (the caller logs it).
 */
export function applyCommand(
  kind: ActorKind,
  verb: string,
  cmd: Record<string, unknown>,
  snapshot: AnyMachineSnapshot | undefined,
  o: ApplyOptions,
): { outcome: CommandOutcome; snapshot: AnyMachineSnapshot | undefined } {
  const handler = kind.handlers[verb];
  if (!handler) return { outcome: { ok: false, error: new TbError('COMMAND_UNKNOWN_VERB', { kind: kind.kind, verb }) }, snapshot };
  let current = snapshot;
  const t: CommandTransitions = o.transitions ?? {
    init: (input) => initialTransition(kind.machine, input as never)[0],
    step: (event) => transition(kind.machine, current!, event as never)[0],
  };
  const ctx: CommandContext = { id: o.id, snapshot: snapshot as never, now: o.now, requestId: o.requestId };
  try {
    if (!current) {
      if (!handler.init)
        return { outcome: { ok: false, error: new TbError('COMMAND_NOT_FOUND', { kind: kind.kind, id: o.id }) }, snapshot };
      current = t.init(handler.init(cmd, ctx), o.requestId);
      ctx.snapshot = current as never;
    }
    if (!handler.readOnly && handler.toEvent) {
      const event = handler.toEvent(cmd, ctx);
      if (event instanceof TbError) return { outcome: { ok: false, error: event }, snapshot: current };
      if (event) current = t.step(event, o.requestId);
    }
    const result = handler.reply({ id: o.id, cmd, before: snapshot as never, after: current as never, emitted: [], now: o.now });
    return { outcome: result instanceof TbError ? { ok: false, error: result } : { ok: true, result }, snapshot: current };
  } catch (err) {
    return { outcome: { ok: false, error: err instanceof TbError ? err : new TbError('INTERNAL', {}, { cause: err }) }, snapshot: current };
  }
}
