/**
 * @module catalog
 * The event catalog projection (front door): a durable JetStream consumer keeps PostgreSQL
 * tables for listing, search and "my events"; a read API over them with TypeBox schemas for the
 * gateway; and the rebuild command. The tables are disposable: the stream is the truth.
 */
export { startCatalogProjector, CATALOG_CONSUMER } from './projector.js';
export { rebuildCatalog, REBUILD_CONSUMER, SHADOW_SCHEMA } from './rebuild.js';
export { createCatalog } from './queries.js';
export { createCatalogMetrics, MessageOutcome } from './metrics.js';
export { decodeCatalogMessage, POSITION_SCALE, ClassState } from './decode.js';
export {
  CatalogListQuery,
  CatalogMyEventsQuery,
  CatalogEventItem,
  CatalogTicketClassItem,
  CatalogTicketClassStatus,
  CatalogEventDetail,
  CatalogEventPage,
  CatalogCategory,
  DEFAULT_LIMIT,
} from './schemas.js';

export type { CatalogProjector, CatalogProjectorOptions } from './projector.js';
export type { RebuildOptions, RebuildProgress, RebuildResult } from './rebuild.js';
export type { Catalog } from './queries.js';
export type { CatalogMetrics } from './metrics.js';
export type { CatalogChange, ClassDetails, DecodedMessage } from './decode.js';
