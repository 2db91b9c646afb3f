/**
 * @module orders
 * The order saga's effectful pieces (front door): the order service (the fast path the
 * gateway drives: checks, create, reserve, payment, answer), the saga worker (the JetStream
 * safety net that performs intents still open and frees waitroom slots), and the step performers
 * both share. The `order` actor (`actors/order/`) decides; these only perform (docs/orders.md).
 */
export { createOrderService } from './service.js';
export { createEventCache, EVENT_CACHE_TTL_MS } from './event-cache.js';
export type { OrderService, OrderServiceOptions, OrderServiceConfig, CreateOrderRequest } from './service.js';
export type { EventCache } from './event-cache.js';
export { startSagaWorker } from './saga-worker.js';
export type { SagaWorker, SagaWorkerOptions, SagaWorkerStats } from './saga-worker.js';
export { performReserve, performRelease, performConfirm } from './steps.js';
export type { LineStep } from './steps.js';
export { createPaymentFor, paymentIdOf } from './payment-step.js';
// Payment events → order commands, and the order-history read model (PostgreSQL or MongoDB).
export {
  startPaymentEventsConsumer,
  paymentActionOf,
  paymentCommandId,
  listFlaggedPayments,
  PAYMENT_EVENTS_CONSUMER,
} from './payment-events.js';
export { startEventCancelConsumer, cancelOpenOrders, EVENT_CANCEL_CONSUMER, EVENT_CANCEL_FILTER } from './event-cancel.js';
export type { EventCancelOptions } from './event-cancel.js';
export { takeQuota, settleQuota, buyerLimitsOf, bindCheckout, reopenCheckout } from './quota.js';
export { createOrderHistory, createMongoOrderHistory, openOrderHistoryStore, startOrderHistoryProjector } from './history.js';
export type { OrderHistoryStore, OrderHistoryItem, OrderHistoryPage, EventSales, ClassSales } from './history.js';
// Refunds: order decisions → payment refund requests, event cancellation → refunds of paid orders.
export {
  startRefundConsumers,
  paidOrdersOf,
  EVENT_CANCELLATION_ACTOR,
  REFUND_REQUESTS_CONSUMER,
  EVENT_CANCELLATIONS_CONSUMER,
} from './refund-requests.js';
export type { RefundConsumersOptions } from './refund-requests.js';
