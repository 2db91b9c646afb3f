/**
 * @module gateway/ws
 * The queue's WebSocket stream (issue 4, item 7), transport-free: the route, the per-event NATS
 * feed, the rooms that turn one cursor update into one topic publish, and the stats endpoint.
 * `docs/websocket.md` describes the protocol. The uWS adapter serves the route.
 */
export { createQueueStream, QUEUE_WS_PATH } from './queue-stream.js';
export { createQueueFeed, parseQueueEvent, queueFeedSubject } from './queue-feed.js';
export { QueueRoom, roomTopic, encodeFrame } from './queue-room.js';
export { PositionHeap } from './position-heap.js';
export { CorrectionWheel } from './correction-wheel.js';
export { wsCredentials, authenticateUpgrade, BEARER_PROTOCOL_PREFIX, QUEUE_PROTOCOL } from './ws-auth.js';
export { wsStatsRoute, WS_STATS_PATH } from './stats-route.js';
export { queueStreamOptionsFrom } from './options.js';
export { queuePortFrom } from './queue-port.js';
export { syncAccessTokenCheck } from './sync-access-token.js';
export { createConsoleStream, CONSOLE_WS_PATH, CONSOLE_PROTOCOL } from './console-stream.js';
export { refusalOf, isRefusalCode, CLOSE_CODE_BASE } from './close-codes.js';
export { UpgradeLimits } from './upgrade-limits.js';

export type { QueueStream, QueueStreamDeps, QueueStreamStats } from './queue-stream.js';
export type { QueueFeed } from './queue-feed.js';
export type { QueueConn, QueueRoomDeps } from './queue-room.js';
export type { WsCredentials } from './ws-auth.js';
export type { WsStatsBody } from './stats-route.js';
export type { QueueServiceLike } from './queue-port.js';
export type { SyncAccessTokenCheck, SyncAccessClaims } from './sync-access-token.js';
export type { Refusal } from './close-codes.js';
export type { UpgradeLimitOptions } from './upgrade-limits.js';
export type {
  QueuePort,
  QueueStatusView,
  QueueState,
  AdmissionGrant,
  QueueFeedEvent,
  QueueFrame,
  QueueSocketData,
  QueueStreamOptions,
} from './types.js';
