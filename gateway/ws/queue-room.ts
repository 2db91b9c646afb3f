/**
 * @module gateway/ws/queue-room
 * The sockets of one event's queue on one gateway, and the "now serving" cursor they share.
 * Invariants: one cursor update costs at most one topic publish (coalesced to one per
 * `cursorIntervalMs`), never one frame per waiting user; the cursor only moves forward
 * (duplicates and reordering are ignored); a socket over the backpressure threshold gets no
 * stale frames (cursor, status) and is brought up to date when it drains, while an `admitted`
 * frame is never dropped (it waits for the drain instead). Finding whose turn it is costs
 * O(k log n) for k sockets passed, through a min-heap keyed by position.
 */
import type { GatewaySocket } from '../types.js';
import { PositionHeap } from './position-heap.js';
import type { AdmissionGrant, QueueFrame, QueueSocketData, QueueState, QueueStatusView } from './types.js';

/** One open socket of a user waiting in (or admitted from) this queue. */
export interface QueueConn {
  readonly socket: GatewaySocket<QueueSocketData>;
  readonly eventId: string;
  readonly userId: string;
  /** The session this socket follows (from its join answer): what a batched correction asks about. */
  readonly sessionId: string;
  readonly ticket: number;
  position: number;
  state: QueueState;
  /** The `admitted` frame was queued for (or handed to) this socket. */
  admittedSent: boolean;
  /** An `admitted` frame held back by backpressure, sent on drain. */
  pendingAdmitted: string | undefined;
  claiming: boolean;
  /** A stale-able frame was skipped: resend cursor and status when it drains. */
  stale: boolean;
  /** Cursor value last sent to this socket directly (drain catch-up), to send each value once. */
  caughtUpTo: number;
  closed: boolean;
  /** Correction wheel slot. */
  slot: number;
  /** When the client last asked for its status (ms), to rate-limit the asks. */
  askedAt: number;
}

/** What a room needs from its stream. */
export interface QueueRoomDeps {
  /** Publish one frame to the room's topic (uWS `app.publish`). */
  publish(topic: string, frame: string): void;
  /** The socket's turn has come: claim its checkout token. */
  claim(conn: QueueConn): void;
  /** Fetch and push the exact status (after a drain). */
  refresh(conn: QueueConn): void;
  cursorIntervalMs: number;
  backpressureBytes: number;
  now?: () => number;
}

/** The uWS topic of an event's queue. */
export const roomTopic = (eventId: string): string => `queue/${eventId}`;

/** Encode a frame (JSON text). */
export const encodeFrame = (frame: QueueFrame): string => JSON.stringify(frame);

/** One event's sockets on this gateway. */
export class QueueRoom {
  readonly topic: string;
  readonly conns = new Set<QueueConn>();
  cursor = -1;
  cursorAt = 0;
  rate = 0;
  /** Every ticket is sold (waiting is pointless). */
  soldOut = false;
  /** Nothing available, but tickets are held by unpaid checkouts: admission waits for them (keep waiting). */
  allHeld = false;
  /** Topic publishes and the sockets they reached (estimate: sockets in the room at publish time). */
  published = 0;
  delivered = 0;
  /** Frames sent to one socket. */
  sent = 0;
  private readonly heap = new PositionHeap<QueueConn>();
  private publishedCursor = -1;
  private lastPublishAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;

  constructor(
    readonly eventId: string,
    private readonly deps: QueueRoomDeps,
  ) {
    this.topic = roomTopic(eventId);
    this.now = deps.now ?? Date.now;
  }

  /** Add a socket (already subscribed to the topic by the caller). */
  add(conn: QueueConn): void {
    this.conns.add(conn);
  }

  /** Remove a socket for good. Returns true when the room is now empty. */
  remove(conn: QueueConn): boolean {
    conn.closed = true;
    this.conns.delete(conn);
    if (this.conns.size === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    return this.conns.size === 0;
  }

  /**
   * The queue advanced to `cursor` (ticket positions <= cursor have had their turn). Older or
   * repeated cursors are ignored (the outbox is at-least-once). Claims for every connected
   * socket passed, and schedules one coalesced topic publish.
   */
  advance(cursor: number, at: number, rate: number | undefined): void {
    if (!Number.isFinite(cursor) || cursor <= this.cursor) return;
    this.cursor = cursor;
    this.cursorAt = at;
    if (typeof rate === 'number' && Number.isFinite(rate)) this.rate = rate;
    this.claimDue();
    this.schedulePublish();
  }

  /** Apply an exact status to a socket; `send` pushes it (unless backpressured). Claims when due. */
  applyStatus(conn: QueueConn, status: QueueStatusView, send: boolean): void {
    if (conn.closed) return;
    // The actor's own cursor is authoritative: learn from it (a missed NATS message heals here).
    const c = status['cursor'];
    if (typeof c === 'number' && c > this.cursor) {
      const rate = status['admittedRate'];
      this.advance(c, typeof status['at'] === 'number' ? status['at'] : this.now(), typeof rate === 'number' ? rate : undefined);
    }
    conn.state = status.state;
    if (send) this.sendStale(conn, this.statusFrame(status));
    if (status.state === 'admitted' && status.token) {
      this.sendAdmitted(conn, { token: status.token, expiresAt: status.tokenExpiresAt ?? 0 });
    }
    // A pre-queue ticket has no position until the sale opens: nothing to wait for yet.
    if (status.state !== 'queued' || conn.admittedSent || typeof status.position !== 'number') return;
    if (status.position !== conn.position || !this.heap.has(conn)) {
      conn.position = status.position;
      this.heap.push(conn, conn.position);
    }
    if (conn.position <= this.cursor && !conn.claiming) this.claimDue();
  }

  /** The status frame, with the room's cursor and flags so a client can derive from it at once. */
  statusFrame(status: QueueStatusView): string {
    const frame: QueueFrame = { ...status, t: 'status' };
    if (this.cursor > (frame.cursor ?? -1)) frame.cursor = this.cursor;
    if (this.rate > 0) frame.rate = this.rate;
    if (this.soldOut) frame.soldOut = true;
    else if (this.allHeld) frame.allHeld = true;
    return encodeFrame(frame);
  }

  /** Hand the checkout token to its socket: once, and never dropped (held until drain if needed). */
  sendAdmitted(conn: QueueConn, grant: AdmissionGrant): void {
    if (conn.closed || conn.admittedSent) return;
    conn.admittedSent = true;
    conn.state = 'admitted';
    this.heap.delete(conn);
    const frame = encodeFrame({ t: 'admitted', token: grant.token, expiresAt: grant.expiresAt });
    // uWS drops a send only when the socket is already over the limit: check first, hold if so.
    if (conn.socket.getBufferedAmount() > this.deps.backpressureBytes) conn.pendingAdmitted = frame;
    else this.sendTo(conn, frame);
  }

  /** Send a frame a newer one supersedes: skipped (and the socket marked stale) under backpressure. */
  sendStale(conn: QueueConn, frame: string): boolean {
    if (conn.closed) return false;
    if (conn.socket.getBufferedAmount() > this.deps.backpressureBytes) {
      conn.stale = true;
      return false;
    }
    this.sendTo(conn, frame);
    return true;
  }

  /** Broadcast a one-off frame (sold out, all held, resumed, opened) to the topic: one publish. */
  broadcast(frame: QueueFrame): void {
    if (frame.t === 'soldOut') {
      this.soldOut = true;
      this.allHeld = false;
    }
    if (frame.t === 'allHeld') {
      this.allHeld = true;
      this.soldOut = false;
    }
    if (frame.t === 'resumed') {
      this.soldOut = false;
      this.allHeld = false;
    }
    this.publishRaw(encodeFrame(frame));
  }

  /**
   * The socket drained: send the held `admitted` frame, then (once per cursor value) the latest
   * cursor it may have missed while uWS skipped it, and refresh its exact status if one was skipped.
   */
  drain(conn: QueueConn): void {
    if (conn.closed || conn.socket.getBufferedAmount() > this.deps.backpressureBytes) return;
    if (conn.pendingAdmitted) {
      const frame = conn.pendingAdmitted;
      conn.pendingAdmitted = undefined;
      this.sendTo(conn, frame);
    }
    if (this.cursor >= 0 && conn.caughtUpTo !== this.cursor) {
      conn.caughtUpTo = this.cursor;
      this.sendTo(conn, this.cursorFrame());
      if (this.soldOut) this.sendTo(conn, encodeFrame({ t: 'soldOut', at: this.cursorAt }));
      else if (this.allHeld) this.sendTo(conn, encodeFrame({ t: 'allHeld', at: this.cursorAt }));
    }
    if (conn.stale) {
      conn.stale = false;
      this.deps.refresh(conn);
    }
  }

  /** Stop the coalescing timer (shutdown). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private claimDue(): void {
    for (;;) {
      const conn = this.heap.peek();
      if (!conn || conn.position > this.cursor) return;
      this.heap.pop();
      if (conn.closed || conn.state !== 'queued' || conn.admittedSent || conn.claiming) continue;
      this.deps.claim(conn);
    }
  }

  private cursorFrame(): string {
    return encodeFrame({ t: 'cursor', cursor: this.cursor, at: this.cursorAt, rate: this.rate });
  }

  private schedulePublish(): void {
    if (this.timer) return;
    const wait = this.lastPublishAt + this.deps.cursorIntervalMs - this.now();
    if (wait <= 0) return this.flushCursor();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushCursor();
    }, wait);
  }

  private flushCursor(): void {
    if (this.cursor === this.publishedCursor || this.conns.size === 0) return;
    this.publishedCursor = this.cursor;
    this.lastPublishAt = this.now();
    this.publishRaw(this.cursorFrame());
  }

  private publishRaw(frame: string): void {
    this.published++;
    this.delivered += this.conns.size;
    this.deps.publish(this.topic, frame);
  }

  private sendTo(conn: QueueConn, frame: string): void {
    this.sent++;
    conn.socket.send(frame, false);
  }
}
