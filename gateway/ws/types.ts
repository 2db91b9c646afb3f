/**
 * @module gateway/ws/types
 * The vocabulary of the queue stream (issue 4, item 7): the slice of the queue service the
 * gateway calls (`QueuePort`), the status it relays, the frames a client receives, and the
 * per-connection data. Transport-free: nothing here knows about uWebSockets.js or NATS.
 */

/** Session states, as the queue service reports them. */
export type QueueState = 'queued' | 'admitted' | 'completed' | 'expired' | 'left';

/** The exact status of one user's session (the queue service's `status()` answer). */
export interface QueueStatusView {
  state: QueueState;
  /** Place in line (ticket order after the pre-queue shuffle); the user's turn when `position <= cursor`. */
  position?: number;
  ahead?: number;
  /** Expected seconds (as of the frame) until this position is called; never rises while `ahead` is 0 (docs/waitroom.md). */
  estimatedWaitSec?: number;
  /** "Now serving" as the actor last knew it. */
  cursor?: number;
  token?: string;
  /** Checkout token expiry (ms since epoch, or an ISO string: relayed as given). */
  tokenExpiresAt?: number | string;
  likelySoldOut?: boolean | Record<string, unknown>;
  ticket: number;
  sessionId: string;
  /** Extra fields the service adds are relayed untouched. */
  [extra: string]: unknown;
}

/** A checkout token handed to an admitted user. */
export interface AdmissionGrant {
  token: string;
  expiresAt: number | string;
}

/**
 * What the stream needs from the queue service (`queue/index.ts`). Every call may reject with a
 * `TbError`; the stream turns a rejection into an `error` frame (join) or a status refresh (claim).
 */
export interface QueuePort {
  /** Join, or resume the existing session (one session per user per event). Returns the exact status. */
  join(eventId: string, userId: string): Promise<QueueStatusView>;
  /** The exact status (also counts as the user's liveness). */
  status(eventId: string, userId: string): Promise<QueueStatusView>;
  /** The checkout token of a user whose turn has come. Rejects when the session was not admitted. */
  claim(eventId: string, userId: string): Promise<AdmissionGrant>;
  /** Liveness of a connected waiting user (optional: when absent, `status` is the heartbeat). */
  heartbeat?(eventId: string, userId: string): Promise<unknown>;
  /**
   * The exact statuses of many known sessions of one event in one read of the queue (the
   * periodic corrections and the reshuffle at opening). Answers in the order asked; never claims.
   */
  statusMany(eventId: string, sessions: Array<{ sessionId: string; ticket: number }>): Promise<QueueStatusView[]>;
}

/**
 * A queue domain event as the gateway consumes it (`tb.evt.queue.<eventId>.<name>`): the
 * outbox envelope's `type`, commit time and `data`.
 */
export interface QueueFeedEvent {
  /** `advanced`, `soldOut`, `allHeld`, `resumed`, `opened`, or another name (ignored). */
  name: string;
  eventId: string;
  at: number;
  data: Record<string, unknown>;
}

/** Frames sent to clients, JSON text, discriminated by `t`. */
export type QueueFrame =
  /** The full exact status, at open and every correction period. `cursor` when known. */
  | ({ t: 'status'; cursor?: number; rate?: number; soldOut?: boolean; allHeld?: boolean } & QueueStatusView)
  /** "Now serving": derive `ahead = max(0, position - cursor - 1)`; count the last status's `estimatedWaitSec` down (not `ahead / rate`). Broadcast. */
  | { t: 'cursor'; cursor: number; at: number; rate: number }
  /** Your turn: the checkout token (sent to that socket only, never dropped). */
  | { t: 'admitted'; token: string; expiresAt: number | string }
  /** Admission stopped for good: every ticket is sold (broadcast). */
  | { t: 'soldOut'; at: number }
  /** Admission paused: what is left is held by unpaid checkouts and may come back; keep waiting (broadcast). */
  | { t: 'allHeld'; at: number }
  /** Admission resumed: stock came back (broadcast). */
  | { t: 'resumed'; at: number }
  /** The sale opened and the pre-queue was shuffled: an exact status follows shortly. */
  | { t: 'opened'; at: number }
  /** A problem; `code` is from the error registry. The server may close after it. */
  | { t: 'error'; code: string; message: string; retryable: boolean };

/**
 * Per-connection data, fixed at upgrade (decided synchronously: path, token signature, limits).
 * The session is joined after `open`; until then the socket gets no frame.
 */
export interface QueueSocketData {
  eventId: string;
  userId: string;
  /** The access token, for the account checks that need I/O after `open` (never logged). */
  token: string;
}

/** Stream tuning; defaults come from `config/index.ts` (`TB_WS_*`). */
export interface QueueStreamOptions {
  /** Exact status push period per socket (staggered), ms. */
  correctionMs: number;
  /** Cursor frames to a topic at most this often (coalescing; 0 = every update), ms. */
  cursorIntervalMs: number;
  /** Above this buffered amount a socket gets no stale frames (cursor, status) until it drains. */
  backpressureBytes: number;
  /** uWS idle timeout (pings are sent automatically before it). */
  idleTimeoutSec: number;
  /** Most queue-service calls (status, claim) in flight per gateway for corrections. */
  maxInFlight: number;
  /** Steady upgrades per second per client IP (0 = no limit), and the burst above it. */
  upgradeIpPerSec?: number;
  upgradeIpBurst?: number;
  /** Most open sockets per user per event on this gateway (0 or absent = no limit). */
  maxSocketsPerUser?: number;
}
