/**
 * @module contracts/events
 * The domain-event contract: the envelope every event on `tb.evt.>` travels in, its headers and
 * codec (`decodeEvent` is the one way to read an event), and every kind's event names and
 * schemas. Publishers (the actors' outbox, the payment outbox) and every consumer use these.
 */
export {
  EVENT_TYPE_HEADER,
  DomainEventEnvelope,
  eventHeaders,
  encodeEvent,
  decodeEvent,
  eventFormatOf,
} from './envelope.js';
export { EventEventType, EventEventSchemas, EventDomainEventSchema } from './event.js';
export { TicketClassEventType, TicketClassEventSchemas, TicketClassEventSchema } from './ticketclass.js';
export { QueueEventType, QueueEventSchemas, QueueEventSchema } from './queue.js';
export { OrderEventType, OrderEventSchemas, OrderEventSchema } from './order.js';
export { CheckinEventType, CheckinEventSchemas } from './checkin.js';
export { PaymentEventType, PaymentEventSchemas, PAYMENT_KIND } from './payment.js';

export type { DomainEventMessage, DomainEventOf, DecodedEvent, HeaderReader } from './envelope.js';
export type { EventDomainEvent, EventDomainEventOf } from './event.js';
export type { TicketClassEvent, TicketClassEventOf } from './ticketclass.js';
export type { QueueEvent, QueueEventOf } from './queue.js';
export type { OrderEvent, OrderEventOf } from './order.js';
export type { CheckinEvent } from './checkin.js';
export type { PaymentEventData } from './payment.js';
