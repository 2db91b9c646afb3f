/**
 * @module actors
 * The actors' front door: the runtime (start a node with kinds), the production kinds, and the
 * node process entry. Other top-level folders import from here only.
 */
export { ActorNode, ownerOf, allocate } from './runtime/index.js';
export { productionKinds } from './kinds.js';
export { runNode } from './node-main.js';

export type {
  ActorNodeOptions,
  ActorKind,
  VerbHandler,
  CommandContext,
  ReplyContext,
  TimerFiredEvent,
  RuntimeNotification,
} from './runtime/index.js';
