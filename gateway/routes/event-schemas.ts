/**
 * @module gateway/routes/event-schemas
 * The REST bodies of the event routes. They mirror the `event` actor's command schemas
 * (`contracts/kinds/event.ts`) minus what the gateway fills in itself (`commandId`, `actor`,
 * `viewer`), with dates bounded to year 9999, and refuse unknown fields, so a client can never
 * send an `actor`, a role list or a status.
 */
import { EventConfig, EventLimits, EventRole, Organizer } from '../../contracts/kinds/index.js';
import { UserId } from '../../accounts/index.js';
import { Type } from '../../contracts/index.js';
import { EpochMs, EventId } from './shared.js';

const Name = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.String({ maxLength: 10_000 });
const Location = Type.String({ maxLength: 500 });
const Categories = Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: EventLimits.maxCategories });

/** POST /api/v1/events */
export const CreateEventBody = Type.Object(
  {
    name: Name,
    startsAt: EpochMs,
    endsAt: EpochMs,
    description: Type.Optional(Description),
    location: Type.Optional(Location),
    categories: Type.Optional(Categories),
    organizer: Type.Optional(Organizer),
  },
  { additionalProperties: false },
);

/** PATCH /api/v1/events/:eventId — at least one field. */
export const UpdateEventBody = Type.Object(
  {
    name: Type.Optional(Name),
    startsAt: Type.Optional(EpochMs),
    endsAt: Type.Optional(EpochMs),
    description: Type.Optional(Description),
    location: Type.Optional(Location),
    categories: Type.Optional(Categories),
    organizer: Type.Optional(Organizer),
  },
  { additionalProperties: false, minProperties: 1 },
);

const config = EventConfig.properties;
/** PUT /api/v1/events/:eventId/config — any subset of the configuration (`{}` just moves DRAFT → CONFIGURED). */
export const ConfigureEventBody = Type.Object(
  {
    ticketSaleStartDate: Type.Optional(EpochMs),
    ticketSaleEndDate: Type.Optional(EpochMs),
    isFree: Type.Optional(config.isFree),
    maxAttendees: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
    isPublic: Type.Optional(config.isPublic),
    requiresApproval: Type.Optional(config.requiresApproval),
    allowWaitRoom: Type.Optional(config.allowWaitRoom),
    isNewTrending: Type.Optional(config.isNewTrending),
    maxConcurrent: Type.Optional(config.maxConcurrent),
    maxTicketsPerBuyer: config.maxTicketsPerBuyer,
    maxOpenOrdersPerBuyer: config.maxOpenOrdersPerBuyer,
    accessCode: config.accessCode,
    rotatingCodes: config.rotatingCodes,
    codePeriodSeconds: config.codePeriodSeconds,
  },
  { additionalProperties: false },
);

/** POST /api/v1/events/:eventId/cancel (send `{}` for no reason). */
export const CancelEventBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });

/** PUT /api/v1/events/:eventId/roles/:userId */
export const SetRoleBody = Type.Object(
  {
    role: Type.Union(
      Object.values(EventRole).map((r) => Type.Literal(r)),
      { description: 'admin, editor, viewer or scanner (door staff: check-in only)' },
    ),
  },
  { additionalProperties: false },
);

/** `:eventId/roles/:userId`: the user is an account id (UUID, as the accounts service issues them). */
export const RoleParams = Type.Object({ eventId: EventId, userId: UserId }, { additionalProperties: false });
