/**
 * @module actors/event/handlers
 * One handler per public verb of `tb.event.<id>.<verb>`: command → machine event (with the acting
 * user and the batch's `now`), snapshot → reply. Refusals (403 forbidden, 409 illegal transition,
 * bounds) are replies, never throws, except in `create`'s `init`, which has no error return.
 */
import type { SnapshotFrom } from 'xstate';
import { TbError } from '../../contracts/index.js';
import { EventCommands as C, EventPermission, type EventAccess, type EventView } from '../../contracts/kinds/event.js';
import type { CommandContext, VerbHandler } from '../runtime/index.js';
import type { EventMachine } from './machine.js';
import { checkEvent, datesProblem, permissionsOf, roleOf, statusOf } from './policy.js';
import { viewOf } from './projection.js';
import type { EventDetailChanges, EventInput, EventMachineEvent, EventStateValue } from './types.js';

type Snapshot = SnapshotFrom<EventMachine>;
type Handler<V extends keyof typeof C, R> = VerbHandler<EventMachine, (typeof C)[V], R>;

const stateOf = (s: Snapshot) => s.value as EventStateValue;

/** Check `event` against the policy: the event to apply, `null` (nothing to change) or the refusal. */
function decide(ctx: CommandContext<EventMachine>, event: EventMachineEvent): EventMachineEvent | null | TbError {
  const snapshot = ctx.snapshot!;
  const verdict = checkEvent(snapshot.context, stateOf(snapshot), event);
  if (verdict.kind === 'refuse') return new TbError(verdict.refusal.code, verdict.refusal.params);
  return verdict.kind === 'noop' ? null : event;
}

/** The reply of every mutating verb: the view as the acting user sees it. */
const viewFor = ({ cmd, after }: { cmd: { actor: EventMachineEvent['by'] }; after: Snapshot }) =>
  viewOf(after.context, stateOf(after), cmd.actor);

const create: Handler<'create', EventView> = {
  schema: C.create,
  description: 'Create the event in DRAFT; the creator becomes its admin',
  init: (cmd, ctx): EventInput => {
    const problem = datesProblem(cmd.startsAt, cmd.endsAt, {});
    if (problem) throw new TbError('EVENT_INVALID_DATES', { eventId: ctx.id, reason: problem });
    const { commandId, actor, ...details } = cmd;
    return { ...details, eventId: ctx.id, createdBy: actor.userId, createCommandId: commandId, now: ctx.now };
  },
  // The same create (by command id) finds its own event; any other create finds a taken id.
  toEvent: (cmd, ctx) =>
    ctx.snapshot && ctx.snapshot.context.createCommandId !== cmd.commandId
      ? new TbError('EVENT_ALREADY_EXISTS', { eventId: ctx.id })
      : null,
  reply: viewFor,
};

const get: Handler<'get', EventView> = {
  schema: C.get,
  readOnly: true,
  description: 'Read the event: staff always, others only when it is published and public (private: with its access code)',
  reply: ({ cmd, after }) => {
    const state = stateOf(after);
    if (!permissionsOf(after.context, state, cmd.viewer, cmd.accessCode).includes(EventPermission.Read)) {
      const userId = cmd.viewer?.userId ?? null;
      return new TbError('EVENT_FORBIDDEN', {
        eventId: after.context.eventId,
        userId,
        action: EventPermission.Read,
        role: userId ? roleOf(after.context, userId) : null,
      });
    }
    return viewOf(after.context, state, cmd.viewer);
  },
};

const update: Handler<'update', EventView> = {
  schema: C.update,
  description: 'Change name, description, location, dates, categories or organizer (admin, editor)',
  toEvent: (cmd, ctx) => {
    const { commandId: _, actor, ...fields } = cmd;
    const current = ctx.snapshot!.context as unknown as Record<string, unknown>;
    // Only fields that differ: an update that changes nothing is answered without a transition.
    const changes = Object.fromEntries(
      Object.entries(fields).filter(([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(current[k])),
    ) as EventDetailChanges;
    const verdict = decide(ctx, { type: 'event.update', changes, by: actor, now: ctx.now });
    return verdict instanceof TbError || Object.keys(changes).length > 0 ? verdict : null;
  },
  reply: viewFor,
};

const configure: Handler<'configure', EventView> = {
  schema: C.configure,
  description: 'Set sale window, free, max attendees, public, approval, waitroom, trending, maxConcurrent (DRAFT/CONFIGURED → CONFIGURED)',
  toEvent: (cmd, ctx) => {
    const { commandId: _, actor, ...config } = cmd;
    return decide(ctx, { type: 'event.configure', config, by: actor, now: ctx.now });
  },
  reply: viewFor,
};

/** approve / publish / cancel: status moves with nothing but the actor (and a reason for cancel). */
const approve: Handler<'approve', EventView> = {
  schema: C.approve,
  description: 'CONFIGURED → APPROVED (platform admin; the event admin too when requiresApproval is false)',
  toEvent: (cmd, ctx) => decide(ctx, { type: 'event.approve', by: cmd.actor, now: ctx.now }),
  reply: viewFor,
};

const publish: Handler<'publish', EventView> = {
  schema: C.publish,
  description: 'APPROVED → PUBLISHED (admin)',
  toEvent: (cmd, ctx) => decide(ctx, { type: 'event.publish', by: cmd.actor, now: ctx.now }),
  reply: viewFor,
};

const cancel: Handler<'cancel', EventView> = {
  schema: C.cancel,
  description: 'Any status but CANCELLED → CANCELLED (admin)',
  toEvent: (cmd, ctx) =>
    decide(ctx, { type: 'event.cancel', by: cmd.actor, now: ctx.now, ...(cmd.reason !== undefined ? { reason: cmd.reason } : {}) }),
  reply: viewFor,
};

const setRole: Handler<'setRole', EventView> = {
  schema: C.setRole,
  description: 'Give a user a role, or remove them with null (admin; the last admin stays)',
  toEvent: (cmd, ctx) => decide(ctx, { type: 'event.setRole', userId: cmd.userId, role: cmd.role, by: cmd.actor, now: ctx.now }),
  reply: viewFor,
};

const addTicketClass: Handler<'addTicketClass', EventView> = {
  schema: C.addTicketClass,
  description: 'Link a ticket class the gateway created (admin, editor); linking it again is a no-op',
  toEvent: (cmd, ctx) => decide(ctx, { type: 'event.addTicketClass', ticketClassId: cmd.ticketClassId, by: cmd.actor, now: ctx.now }),
  reply: viewFor,
};

const checkAccess: Handler<'checkAccess', EventAccess> = {
  schema: C.checkAccess,
  readOnly: true,
  description: "A user's role on the event (or null) and what they may do now",
  reply: ({ cmd, after }) => {
    const state = stateOf(after);
    const user = { userId: cmd.userId, platformRoles: cmd.platformRoles ?? [] };
    return {
      eventId: after.context.eventId,
      userId: cmd.userId,
      role: roleOf(after.context, cmd.userId),
      status: statusOf(state),
      permissions: permissionsOf(after.context, state, user),
    };
  },
};

/** The verbs of `tb.event.<id>.<verb>`. */
export const eventHandlers = { create, get, update, configure, approve, publish, cancel, setRole, addTicketClass, checkAccess };
