/**
 * @module contracts/events/checkin
 * Domain events a check-in bucket emits (to the outbox, on `tb.evt.checkin.<bucketId>.<name>`):
 * `checkin.checkedIn` whenever a ticket's winning scan is recorded or replaced by an earlier
 * offline one. The tickets projector copies it onto the ticket row (latest `at` order is not
 * assumed: it keeps the earliest). At-least-once (G10 rule 4).
 */
import { Type, type Static } from '@sinclair/typebox';

export const CheckinEventType = { CheckedIn: 'checkin.checkedIn' } as const;

export const CheckinEventSchemas = {
  [CheckinEventType.CheckedIn]: Type.Object({
    type: Type.Literal(CheckinEventType.CheckedIn), eventId: Type.String(), ticketId: Type.String(),
    at: Type.Integer(), gate: Type.String(), by: Type.String(),
  }),
};

export type CheckinEvent = Static<(typeof CheckinEventSchemas)[typeof CheckinEventType.CheckedIn]>;
