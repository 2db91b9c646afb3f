/**
 * @module queue
 * The waitroom's non-actor pieces, shared by the gateway (REST and WebSocket) and the order flow:
 * the per-user service (`createQueueService`: join, status, claim, leave, heartbeat), the
 * sessions bucket, checkout tokens, and the stock watcher. The `queue` actor (one per event,
 * `actors/queue/`) decides; this folder keeps per-user data outside its entry (docs/waitroom.md).
 *
 * Broadcasts for WebSocket streaming: subject `tb.evt.queue.<eventId>.advanced` (also `.soldOut`,
 * `.resumed`, `.opened`) in stream `TB_EVENTS`; body = `DomainEventMessage` (msgpack) with
 * `data: { cursor, at, admittedRate, slotsInUse, … }`. A client's position is `positionOf(ticket,
 * { preQueueSize, seed })` from `contracts/kinds/queue.ts`.
 */
export { createQueueService } from './service.js';
export type { QueueService, QueueServiceOptions, QueueServiceConfig, UserQueueStatus } from './service.js';
export { userStatusOf } from './status.js';
export { signCheckoutToken, verifyCheckoutToken, checkoutKey, CHECKOUT_AUDIENCE } from './checkout-token.js';
export type { CheckoutClaims } from './checkout-token.js';
export { openSessionsBucket, SessionStore, QUEUE_SESSIONS_BUCKET, userKey, sessionKey } from './sessions.js';
export type { UserSession, SessionOwner } from './sessions.js';
export { ensureQueue, seedFor, checkEntry } from './ensure.js';
export type { Entrant } from './ensure.js';
export { startStockWatcher } from './stock-watcher.js';
export type { StockWatcher, StockWatcherOptions } from './stock-watcher.js';

/** Subject of a queue's broadcast events: `tb.evt.queue.<eventId>.<name>` (`advanced`, `soldOut`, `allHeld`, `resumed`, `opened`). */
export const queueEventSubject = (
  eventId: string,
  name: 'advanced' | 'soldOut' | 'allHeld' | 'resumed' | 'opened' | '*' = 'advanced',
): string => `tb.evt.queue.${eventId}.${name}`;
