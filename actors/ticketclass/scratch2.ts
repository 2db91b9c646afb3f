import type { ActorKind } from '../runtime/index.js';
import { ticketclassKind } from './index.js';
export const k: ActorKind = ticketclassKind;
