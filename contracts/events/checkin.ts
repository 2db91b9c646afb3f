/**
 * @module contracts/events/checkin
 * Domain events a check-in bucket emits (to the outbox, on `tb.evt.checkin.<bucketId>.<name>`):
 * `checkin.checkedIn` for every command that recorded check-ins (a winning scan, or an earlier
 * offline scan replacing one), with all of them: one event per command, so a gateway's coalesced
 * batch of scans is one publish. The tickets projector copies them onto the ticket rows (latest
 * `at` order is not assumed: it keeps the earliest). At-least-once (runtime rule 4: effects after
 * commit, at least once). Version 1 of the kind emitted one ticket per event (`ticketId`, `at`,
 * `gate`, `by` at the top level); the projector still reads that shape.
 */
import { Type, type Static } from '@sinclair/typebox';

export const CheckinEventType = { CheckedIn: 'checkin.checkedIn' } as const;

const Checkin = Type.Object({ ticketId: Type.String(), at: Type.Integer(), gate: Type.String(), by: Type.String() });

export const CheckinEventSchemas = {
  [CheckinEventType.CheckedIn]: Type.Object({
    type: Type.Literal(CheckinEventType.CheckedIn),
    eventId: Type.String(),
    checkins: Type.Array(Checkin, { minItems: 1 }),
  }),
};

export type CheckinEvent = Static<(typeof CheckinEventSchemas)[typeof CheckinEventType.CheckedIn]>;
