/**
 * @module tickets/types
 * What the tickets service answers: the ticket as its owner sees it, the owner's detail (with
 * its code and, for rotating events, the secret the phone keeps), check-in results and lists.
 * Schemas double as the OpenAPI response documentation.
 */
import { Type, type Static } from '@sinclair/typebox';

/** A ticket's status. */
export const TicketStatus = { Valid: 'valid', CheckedIn: 'checkedIn', Voided: 'voided', Transferred: 'transferred' } as const;
export type TicketStatus = (typeof TicketStatus)[keyof typeof TicketStatus];

const Status = Type.Union(Object.values(TicketStatus).map((s) => Type.Literal(s)));

/** One ticket. */
export const TicketView = Type.Object({
  ticketId: Type.String({ description: '`<orderId>-<n>`; `…-t<k>` after a transfer' }),
  orderId: Type.String(),
  eventId: Type.String(),
  classId: Type.String(),
  ownerId: Type.String(),
  seatNo: Type.Integer(),
  priceMinor: Type.Integer(),
  currency: Type.String(),
  status: Status,
  issuedAt: Type.Integer(),
  checkedIn: Type.Optional(Type.Object({ at: Type.Integer(), gate: Type.String(), by: Type.String() })),
  voidReason: Type.Optional(Type.String()),
  transferredTo: Type.Optional(Type.String()),
  transferredFrom: Type.Optional(Type.String()),
});
export type TicketView = Static<typeof TicketView>;

/** The owner's detail: the ticket, its signed code, and the rotating secret when the event rotates codes. */
export const TicketDetail = Type.Intersect([
  TicketView,
  Type.Object({
    code: Type.String({ description: 'the signed code (static part); rotating events append `.<step>.<otp>` on the phone' }),
    rotating: Type.Optional(
      Type.Object({
        secret: Type.String({
          description: 'per-ticket secret: otp = base64url(HMAC-SHA256(secret, step))[0..11], step = floor(now / periodSeconds)',
        }),
        periodSeconds: Type.Integer(),
        currentCode: Type.String(),
      }),
    ),
  }),
]);
export type TicketDetail = Static<typeof TicketDetail>;

/** A ticket list. */
export const TicketList = Type.Object({ tickets: Type.Array(TicketView) });

/** A check-in list of an event. */
export const CheckinListView = Type.Object({
  listId: Type.String(),
  eventId: Type.String(),
  name: Type.String(),
  classIds: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'null = every class' }),
  gates: Type.Array(Type.String()),
});
export type CheckinListView = Static<typeof CheckinListView>;

/** The answer to a successful scan. */
export const CheckinResult = Type.Object({
  ticketId: Type.String(),
  eventId: Type.String(),
  classId: Type.String(),
  status: Type.Literal('checkedIn'),
  at: Type.Integer(),
  gate: Type.String(),
  by: Type.String(),
});
export type CheckinResult = Static<typeof CheckinResult>;

/** The answer to one uploaded offline scan. */
export const BatchScanResult = Type.Object({
  index: Type.Integer(),
  ticketId: Type.Optional(Type.String()),
  outcome: Type.Union([Type.Literal('checkedIn'), Type.Literal('already'), Type.Literal('refused')]),
  code: Type.Optional(Type.String({ description: 'the refusal code (CHECKIN_*), or CHECKIN_ALREADY when an earlier scan won' })),
  winner: Type.Optional(Type.Object({ at: Type.Integer(), gate: Type.String(), by: Type.String() })),
});
export type BatchScanResult = Static<typeof BatchScanResult>;
