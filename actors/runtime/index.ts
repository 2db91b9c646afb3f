/**
 * @module actors/runtime
 * The actor runtime's front door: start a node with a set of kinds; the kind-facing types.
 * Everything else in this folder is internal to the runtime.
 */
export { ActorNode } from './node.js';
export { ownerOf, allocate } from './allocation.js';
export { applyCommand } from './apply-command.js';
export { stepAction } from './step-action.js';

export type { ActorNodeOptions } from './node.js';
export type { CommandOutcome, CommandTransitions, ApplyOptions } from './apply-command.js';
export type { ActorKind, VerbHandler, CommandContext, ReplyContext, TimerFiredEvent, RuntimeNotification } from './types.js';
