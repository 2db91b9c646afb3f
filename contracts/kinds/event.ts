/**
 * @module contracts/kinds/event
 * The public protocol of the `event` actor (one event: status, config, staff roles, linked ticket
 * classes): constants, command schemas and reply schemas for `tb.event.<id>.<verb>`. Every
 * mutating command carries `actor`, filled by the gateway from the verified JWT, never from the
 * client's body; the actor checks it against the event's roles.
 */
import { timingSafeEqual } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { Command, ReadCommand } from '../schemas.js';

/** Event status as reported (upper case); the machine states are the lower-camel names. */
export const EventStatus = {
  Draft: 'DRAFT',
  Configured: 'CONFIGURED',
  Approved: 'APPROVED',
  Published: 'PUBLISHED',
  Cancelled: 'CANCELLED',
} as const;
export type EventStatus = (typeof EventStatus)[keyof typeof EventStatus];

/** A staff member's role on one event. */
export const EventRole = { Admin: 'admin', Editor: 'editor', Viewer: 'viewer', Scanner: 'scanner' } as const;
export type EventRole = (typeof EventRole)[keyof typeof EventRole];

/** The entry of `actor.platformRoles` that makes a user a platform admin (may approve any event). */
export const PLATFORM_ADMIN_ROLE = 'admin';

/** What a user may do on an event; `checkAccess` answers the list. */
export const EventPermission = {
  Read: 'read',
  SeeSales: 'seeSales',
  Update: 'update',
  Configure: 'configure',
  AddTicketClass: 'addTicketClass',
  ManageRoles: 'manageRoles',
  Approve: 'approve',
  Publish: 'publish',
  Cancel: 'cancel',
  /** Scan tickets at the doors and manage check-in lists (docs/tickets.md). */
  CheckIn: 'checkIn',
} as const;
export type EventPermission = (typeof EventPermission)[keyof typeof EventPermission];

/** Bounds that keep the event's entry small. */
export const EventLimits = {
  /** Header a buyer sends the organizer's access code of a private event in (never a URL). */
  accessCodeHeader: 'x-event-access-code',
  maxStaff: 200,
  maxTicketClasses: 50,
  maxCategories: 10,
  defaultMaxConcurrent: 100,
  maxConcurrentCap: 10_000,
} as const;

/** A user id (also a record key: starts with a letter or digit, so never `__proto__`). */
export const UserId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' });
/** The acting user, from the verified access token. */
export const ActingUser = Type.Object(
  {
    userId: UserId,
    platformRoles: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 16 }),
  },
  { additionalProperties: false },
);
export type ActingUser = Static<typeof ActingUser>;

const EpochMs = Type.Integer({ minimum: 0, description: 'ms since the Unix epoch' });
const Text = (max: number) => Type.String({ maxLength: max });
const RoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('editor'), Type.Literal('viewer'), Type.Literal('scanner')]);
/** The organizer shown on the event page. */
export const Organizer = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.String({ maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' }),
    website: Type.Optional(Type.String({ maxLength: 500, pattern: '^https?://' })),
  },
  { additionalProperties: false },
);
export type Organizer = Static<typeof Organizer>;

const Details = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Text(10_000),
  location: Text(500),
  startsAt: EpochMs,
  endsAt: EpochMs,
  categories: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: EventLimits.maxCategories }),
  organizer: Organizer,
};

/** The event's configuration (`configure` sets any subset of it). */
export const EventConfig = Type.Object({
  ticketSaleStartDate: Type.Optional(EpochMs),
  ticketSaleEndDate: Type.Optional(EpochMs),
  isFree: Type.Boolean(),
  maxAttendees: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
  isPublic: Type.Boolean(),
  requiresApproval: Type.Boolean({
    description: 'when false, an event admin may approve their own event; only a platform admin may change it',
  }),
  allowWaitRoom: Type.Boolean(),
  isNewTrending: Type.Boolean(),
  maxConcurrent: Type.Integer({ minimum: 1, maximum: EventLimits.maxConcurrentCap, description: 'checkout slots of the waitroom' }),
  maxTicketsPerBuyer: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 1_000,
      description: 'tickets one buyer may hold across all their orders (open and completed); default 10',
    }),
  ),
  maxOpenOrdersPerBuyer: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 10, description: 'unpaid orders one buyer may have at once; default 1' }),
  ),
  accessCode: Type.Optional(
    Type.String({
      minLength: 8,
      maxLength: 64,
      pattern: '^[A-Za-z0-9_-]+$',
      description:
        'private events only: buyers who send it (header X-Event-Access-Code, never in a URL) may see, join and buy; shown to staff only',
    }),
  ),
  rotatingCodes: Type.Optional(
    Type.Boolean({ description: 'ticket codes change every codePeriodSeconds; an older code is refused at the door (docs/tickets.md)' }),
  ),
  codePeriodSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 300, description: 'period of rotating codes (default 15)' })),
});
export type EventConfig = Static<typeof EventConfig>;

const TicketClassId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

/** Command schemas, one per verb. */
export const EventCommands = {
  create: Command({
    actor: ActingUser,
    name: Details.name,
    startsAt: EpochMs,
    endsAt: EpochMs,
    description: Type.Optional(Details.description),
    location: Type.Optional(Details.location),
    categories: Type.Optional(Details.categories),
    organizer: Type.Optional(Organizer),
  }),
  /** Anonymous readers leave `viewer` out: they see only published public events. */
  get: ReadCommand({ viewer: Type.Optional(ActingUser), accessCode: Type.Optional(Type.String({ maxLength: 64 })) }),
  update: Command({
    actor: ActingUser,
    name: Type.Optional(Details.name),
    description: Type.Optional(Details.description),
    location: Type.Optional(Details.location),
    startsAt: Type.Optional(EpochMs),
    endsAt: Type.Optional(EpochMs),
    categories: Type.Optional(Details.categories),
    organizer: Type.Optional(Organizer),
  }),
  configure: Command({ actor: ActingUser, ...Type.Partial(EventConfig).properties }),
  approve: Command({ actor: ActingUser }),
  publish: Command({ actor: ActingUser }),
  cancel: Command({ actor: ActingUser, reason: Type.Optional(Text(500)) }),
  setRole: Command({
    actor: ActingUser,
    userId: UserId,
    role: Type.Union([RoleSchema, Type.Null()], { description: 'null removes the user' }),
  }),
  addTicketClass: Command({ actor: ActingUser, ticketClassId: TicketClassId }),
  checkAccess: ReadCommand({ userId: UserId, platformRoles: Type.Optional(ActingUser.properties.platformRoles) }),
};

/** What the catalog projection needs; every emitted event carries it whole, with `version` to drop stale ones. */
export const EventProjection = Type.Object({
  eventId: Type.String(),
  name: Type.String(),
  description: Type.String(),
  location: Type.String(),
  startsAt: EpochMs,
  endsAt: EpochMs,
  categories: Type.Array(Type.String()),
  status: Type.Union(Object.values(EventStatus).map((s) => Type.Literal(s))),
  isPublic: Type.Boolean(),
  isFree: Type.Boolean(),
  isNewTrending: Type.Boolean(),
  allowWaitRoom: Type.Boolean(),
  ticketSaleStartDate: Type.Optional(EpochMs),
  ticketSaleEndDate: Type.Optional(EpochMs),
  organizer: Type.Optional(Organizer),
  createdBy: Type.String(),
  ticketClassIds: Type.Array(Type.String()),
  version: Type.Integer({ description: 'increases with every change; a projection keeps the highest' }),
  updatedAt: EpochMs,
});
export type EventProjection = Static<typeof EventProjection>;

/** Reply of `get` and of every mutating verb: the projection plus config, and roles for staff only. */
export const EventView = Type.Composite(
  [
    EventProjection,
    Type.Object({
      config: EventConfig,
      roles: Type.Optional(Type.Record(Type.String(), RoleSchema)),
      cancelReason: Type.Optional(Type.String()),
      createdAt: EpochMs,
    }),
  ],
  { title: 'EventView' },
);
export type EventView = Static<typeof EventView>;

/** Reply of `checkAccess`. */
export const EventAccess = Type.Object({
  eventId: Type.String(),
  userId: Type.String(),
  role: Type.Union([RoleSchema, Type.Null()]),
  status: Type.String(),
  permissions: Type.Array(Type.String()),
});
export type EventAccess = Static<typeof EventAccess>;

/** Reply schema per verb. */
export const EventReplies = {
  create: EventView,
  get: EventView,
  update: EventView,
  configure: EventView,
  approve: EventView,
  publish: EventView,
  cancel: EventView,
  setRole: EventView,
  addTicketClass: EventView,
  checkAccess: EventAccess,
};

/** A decoded command of `verb`. */
export type EventCommand<V extends keyof typeof EventCommands> = Static<(typeof EventCommands)[V]>;

/** True when `given` is the event's access code (constant-time; an event without a code admits nobody by code). */
export function accessCodeMatches(code: string | undefined, given: string | undefined): boolean {
  if (code === undefined || given === undefined) return false;
  const a = Buffer.from(code);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether `user` may see, join and buy for the event (`view` as its staff sees it, with `roles`
 * and the access code): anyone for a public event; for a private one its staff, platform admins
 * and buyers holding the organizer's access code. Everyone else is told the event does not exist.
 */
export function eventAdmits(
  view: Pick<EventView, 'config' | 'roles'>,
  user: { userId: string; platformRoles?: readonly string[] },
  accessCode?: string,
): boolean {
  if (view.config.isPublic) return true;
  if (user.platformRoles?.includes(PLATFORM_ADMIN_ROLE)) return true;
  if (view.roles && Object.hasOwn(view.roles, user.userId)) return true;
  return accessCodeMatches(view.config.accessCode, accessCode);
}
