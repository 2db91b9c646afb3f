/**
 * @module contracts/kinds
 * Command and reply schemas of every actor kind's public verbs (`tb.<kind>.<id>.<verb>`), so the
 * gateway can build REST routes and the OpenAPI document from one place. Schema only, no I/O.
 */
export {
  TicketClassLimits, TicketClassFields, ReleaseReason, TicketClassStatus, OrderId, TicketClassCommands, TicketClassReplies,
  TicketClassView, HoldResult, OrderOutcome,
} from './ticketclass.js';
export {
  EventStatus, EventRole, EventPermission, EventLimits, PLATFORM_ADMIN_ROLE, UserId, ActingUser, Organizer,
  EventConfig, EventCommands, EventReplies, EventProjection, EventView, EventAccess, accessCodeMatches, eventAdmits,
} from './event.js';
export {
  QueueLimits, SlotOutcome, SessionState, SessionId, QueueCommands, QueueReplies, QueueView, TicketView, JoinResult, ClaimResult, StatusesResult, BindResult,
  positionOf, ticketAt, seedHashOf, feistelPermute, feistelInvert,
} from './queue.js';
export {
  OrderStatus, LineState, OrderLimits, OrderLineRequest, OrderCommands, OrderReplies, OrderView, OrderLineView, OrderPaymentView,
} from './order.js';
export { BuyerLimits, BuyerCommands, BuyerReplies, BuyerView, QuotaOutcome, buyerIdOf } from './buyer.js';
export { CheckinLimits, ScanOutcome, CheckinCommands, CheckinReplies, ScanResult, CheckinBucketView } from './checkin.js';

import { TicketClassCommands, TicketClassReplies } from './ticketclass.js';
import { BuyerCommands, BuyerReplies } from './buyer.js';
import { EventCommands, EventReplies } from './event.js';
import { QueueCommands, QueueReplies } from './queue.js';
import { OrderCommands, OrderReplies } from './order.js';
import { CheckinCommands, CheckinReplies } from './checkin.js';

/** Every kind's verbs: `{ [kind]: { commands, replies } }`, for routing and OpenAPI generation. */
export const KindProtocols = {
  ticketclass: { commands: TicketClassCommands, replies: TicketClassReplies },
  event: { commands: EventCommands, replies: EventReplies },
  queue: { commands: QueueCommands, replies: QueueReplies },
  order: { commands: OrderCommands, replies: OrderReplies },
  buyer: { commands: BuyerCommands, replies: BuyerReplies },
  checkin: { commands: CheckinCommands, replies: CheckinReplies },
} as const;

export type { TicketClassCommand } from './ticketclass.js';
export type { EventCommand } from './event.js';
export type { QueueCommand, PreQueue } from './queue.js';
export type { OrderCommand } from './order.js';
export type { BuyerCommand } from './buyer.js';
export type { CheckinCommand } from './checkin.js';
