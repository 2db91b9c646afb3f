/**
 * @module orders/history
 * The order-history read model's front door: the `OrderHistoryStore` port, its PostgreSQL
 * implementation (`createOrderHistory(db)`, the default), its MongoDB implementation (used when
 * `TB_MONGODB_URL` is set), the projector that feeds either from `tb.evt.order.>`, and the pure
 * helpers (decoding, cursors). See docs/orders-history.md.
 */
import type { Db } from '../db/index.js';
import { createMongoOrderHistory } from './history/mongo-store.js';
import { createOrderHistory } from './history/pg-store.js';
import type { OrderHistoryStore } from './history/types.js';

export { createOrderHistory } from './history/pg-store.js';
export { createMongoOrderHistory, mongoUnavailable } from './history/mongo-store.js';
export { startOrderHistoryProjector, createHistoryBatchHandler, ORDER_HISTORY_CONSUMER, ORDER_EVENTS_FILTER } from './history/projector.js';
export { startDurableConsumer, ensureDurable, settle } from '../platform/index.js';
export {
  decodeOrderMessage,
  parseOrderView,
  encodeCursor,
  decodeCursor,
  pageSize,
  SOLD_STATUS,
  UNSOLD_LINE_STATES,
  DEFAULT_PAGE,
  MAX_PAGE,
} from './history/decode.js';
export { OrderHistoryItem, OrderHistoryPage, ClassSales, EventSales } from './history/types.js';

export type {
  OrderHistoryStore,
  OrderHistoryEvent,
  OrderView,
  OrderLineView,
  PageOptions,
  ApplyResult,
} from './history/types.js';
export type { MongoHistoryOptions } from './history/mongo-store.js';
export type { OrderHistoryProjectorOptions } from './history/projector.js';
export type { DurableConsumer, DurableConsumerOptions } from '../platform/index.js';
export type { DecodedOrderMessage, PageKey } from './history/decode.js';

/**
 * The store this deployment uses: MongoDB when `mongodbUrl` is set (rejects with
 * `HISTORY_UNAVAILABLE` if it does not answer), PostgreSQL over `db` otherwise.
 */
export async function openOrderHistoryStore(o: { db: Db; mongodbUrl?: string | undefined }): Promise<OrderHistoryStore> {
  if (o.mongodbUrl) return createMongoOrderHistory({ url: o.mongodbUrl });
  return createOrderHistory(o.db);
}
