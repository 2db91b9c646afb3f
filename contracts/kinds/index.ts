/**
 * @module contracts/kinds
 * Command and reply schemas of every actor kind's public verbs (`tb.<kind>.<id>.<verb>`), so the
 * typed actor references (`actors/client`), the kinds' handlers and the docs share one table
 * (`KindProtocols`) and one command-id scheme (`commandIdOf`). Schema only, no I/O.
 */
export {
  TicketClassLimits,
  TicketClassFields,
  ReleaseReason,
  TicketClassStatus,
  OrderId,
  TicketClassCommands,
  TicketClassReplies,
  TicketClassView,
  HoldResult,
  OrderOutcome,
} from './ticketclass.js';
export {
  EventStatus,
  EventRole,
  EventPermission,
  EventLimits,
  PLATFORM_ADMIN_ROLE,
  UserId,
  ActingUser,
  Organizer,
  EventConfig,
  EventCommands,
  EventReplies,
  EventProjection,
  EventView,
  EventAccess,
  accessCodeMatches,
  eventAdmits,
} from './event.js';
export {
  QueueLimits,
  SlotOutcome,
  SessionState,
  SessionId,
  QueueCommands,
  QueueReplies,
  QueueView,
  TicketView,
  JoinResult,
  ClaimResult,
  StatusesResult,
  BindResult,
  positionOf,
  ticketAt,
  seedHashOf,
  feistelPermute,
  feistelInvert,
} from './queue.js';
export {
  OrderStatus,
  LineState,
  OrderLimits,
  OrderLineRequest,
  OrderCommands,
  OrderReplies,
  OrderView,
  OrderLineView,
  OrderPaymentView,
} from './order.js';
export { BuyerLimits, BuyerCommands, BuyerReplies, BuyerView, QuotaOutcome, buyerIdOf } from './buyer.js';
export { CheckinLimits, ScanOutcome, CheckinCommands, CheckinReplies, ScanResult, CheckinBucketView } from './checkin.js';

export { OrderCodeCommands, OrderCodeReplies, OrderCodeHolder } from './ordercode.js';
export { KindProtocols, isReadVerb, commandIdOf } from './protocol.js';

export type { KindName, VerbOf, ReadVerbOf, WriteVerbOf, CommandBody, ReplyOf, CommandKey } from './protocol.js';
export type { TicketClassCommand } from './ticketclass.js';
export type { EventCommand } from './event.js';
export type { QueueCommand, PreQueue } from './queue.js';
export type { OrderCommand } from './order.js';
export type { BuyerCommand } from './buyer.js';
export type { CheckinCommand } from './checkin.js';
