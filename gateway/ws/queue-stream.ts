/**
 * @module gateway/ws/queue-stream
 * The queue's live stream on one gateway: `GET /api/v1/events/:eventId/queue/ws`. Upgrade =
 * authenticate (401 before upgrading) and join or resume the user's one session; open = send
 * the exact status at once and join the event's room; then one NATS subscription per event
 * feeds cursor updates that reach every socket as one coalesced topic publish, the gateway
 * claims the checkout token for each connected socket the cursor passes, and a staggered wheel
 * pushes the exact status every `correctionMs`. Gateways share nothing: each subscribes for
 * its own sockets; the queue actor and its KV are the shared state.
 */
import type { Logger } from 'pino';
import { ID_PATTERN, TbError } from '../../contracts/index.js';
import { errorResponse } from '../responses.js';
import type { GatewaySocket, VerifyAccessToken, WebSocketRoute } from '../types.js';
import { CorrectionWheel } from './correction-wheel.js';
import type { QueueFeed } from './queue-feed.js';
import { QueueRoom, encodeFrame, type QueueConn } from './queue-room.js';
import type { QueueFeedEvent, QueuePort, QueueSocketData, QueueStatusView, QueueStreamOptions } from './types.js';
import { authenticateUpgrade, wsCredentials } from './ws-auth.js';

/** The route pattern (uWS syntax) of the queue stream. */
export const QUEUE_WS_PATH = '/api/v1/events/:eventId/queue/ws';
const PATH = /^\/api\/v1\/events\/([^/]+)\/queue\/ws\/?$/;

/** What the stream is built from. */
export interface QueueStreamDeps {
  queue: QueuePort;
  verifyAccessToken: VerifyAccessToken | undefined;
  /** Builds the per-event NATS subscriptions (`createQueueFeed(nc, onEvent)`). */
  feed: (onEvent: (ev: QueueFeedEvent) => void) => QueueFeed;
  /** Publish to a uWS topic; bound late (`(t, m) => gateway.publish(t, m)`), since the route exists before the server. */
  publish: (topic: string, frame: string) => void;
  options: QueueStreamOptions;
  log: Logger;
  now?: () => number;
}

/** Counters for the stats endpoint and the benchmark. */
export interface QueueStreamStats {
  sockets: number;
  rooms: number;
  /** Topic publishes, and the socket deliveries they stand for. */
  published: number;
  delivered: number;
  /** Frames sent to one socket (status, admitted, drain catch-up). */
  sent: number;
  claims: number;
  claimFailures: number;
  /** Sockets corrected (each with its exact status), and those skipped by the in-flight cap. */
  corrections: number;
  correctionsSkipped: number;
  /** Queue reads made for corrections (one per `statusMany` batch, or per single `status`). */
  correctionReads: number;
}

/** The stream: its WebSocket route, the event entry point (tests), counters. */
export interface QueueStream {
  route: WebSocketRoute<QueueSocketData>;
  /** Apply one queue event (what the NATS feed calls). */
  onEvent(ev: QueueFeedEvent): void;
  stats(): QueueStreamStats;
  close(): void;
}

/** Build the queue stream. Nothing is subscribed until the first socket opens. */
export function createQueueStream(deps: QueueStreamDeps): QueueStream {
  const { queue, options, log } = deps;
  const rooms = new Map<string, QueueRoom>();
  const counters = { claims: 0, claimFailures: 0, corrections: 0, correctionsSkipped: 0, correctionReads: 0 };
  const retired = { published: 0, delivered: 0, sent: 0 };
  let inFlight = 0;
  let sockets = 0;

  const onEvent = (ev: QueueFeedEvent): void => {
    const room = rooms.get(ev.eventId);
    if (!room) return;
    switch (ev.name) {
      case 'advanced': {
        const cursor = Number(ev.data['cursor']);
        const rate = ev.data['admittedRate'];
        room.advance(cursor, ev.at, typeof rate === 'number' ? rate : undefined);
        break;
      }
      case 'soldOut':
        room.broadcast({ t: 'soldOut', at: ev.at });
        break;
      case 'allHeld':
        room.broadcast({ t: 'allHeld', at: ev.at });
        break;
      case 'resumed':
        room.broadcast({ t: 'resumed', at: ev.at });
        break;
      case 'opened': {
        // Positions were reshuffled: announce once, then give everyone the exact status.
        room.broadcast({ t: 'opened', at: ev.at });
        for (const conn of room.conns) correct(conn, true);
        break;
      }
      default:
        break;
    }
  };
  const feed = deps.feed(onEvent);

  /** Fetch the exact status and push it (stale-able). `force` ignores the in-flight cap. */
  function refresh(conn: QueueConn, force = false): void {
    if (conn.closed) return;
    if (!force && inFlight >= options.maxInFlight) {
      counters.correctionsSkipped++;
      return;
    }
    inFlight++;
    counters.corrections++;
    counters.correctionReads++;
    queue.status(conn.eventId, conn.userId).then(
      (status) => rooms.get(conn.eventId)?.applyStatus(conn, status, true),
      (err: unknown) => log.debug({ err, eventId: conn.eventId }, 'queue status for a socket failed'),
    ).finally(() => inFlight--);
  }

  /**
   * Corrections due this tick, per event: one `statusMany` read answers them all (a few reads
   * of up to 500 tickets a second per event instead of one status call per socket: with 20,000
   * sockets that was 2,000 session reads and queue asks a second).
   */
  let batches = new Map<string, { conns: Set<QueueConn>; force: boolean }>();
  let flushing = false;
  /** Correct `conn` in this tick's batch; `force` (the opening reshuffle) ignores the in-flight cap. */
  function correct(conn: QueueConn, force = false): void {
    let batch = batches.get(conn.eventId);
    if (!batch) batches.set(conn.eventId, (batch = { conns: new Set(), force }));
    batch.conns.add(conn);
    batch.force ||= force;
    if (!flushing) {
      flushing = true;
      setImmediate(flushCorrections);
    }
  }
  function flushCorrections(): void {
    flushing = false;
    const due = batches;
    batches = new Map();
    for (const [eventId, batch] of due) {
      const live = [...batch.conns].filter((c) => !c.closed);
      if (live.length === 0) continue;
      if (!batch.force && inFlight >= options.maxInFlight) {
        counters.correctionsSkipped += live.length;
        continue;
      }
      inFlight++;
      counters.correctionReads++;
      counters.corrections += live.length;
      queue.statusMany(eventId, live.map((c) => ({ sessionId: c.sessionId, ticket: c.ticket }))).then(
        (statuses) => {
          const room = rooms.get(eventId);
          live.forEach((c, i) => room?.applyStatus(c, statuses[i]!, true));
        },
        (err: unknown) => log.debug({ err, eventId }, 'batched queue status failed'),
      ).finally(() => inFlight--);
    }
  }

  const wheel = new CorrectionWheel<QueueConn>(options.correctionMs, (conn) => {
    if (conn.state === 'queued' || conn.state === 'admitted') correct(conn);
    else wheel.remove(conn); // completed, expired, left: nothing more to correct
  });

  function claim(conn: QueueConn): void {
    conn.claiming = true;
    counters.claims++;
    queue.claim(conn.eventId, conn.userId).then(
      (grant) => rooms.get(conn.eventId)?.sendAdmitted(conn, grant),
      (err: unknown) => {
        // Not admitted after all (skipped, expired, cursor ahead of the session): resync exactly.
        counters.claimFailures++;
        log.debug({ err, eventId: conn.eventId }, 'claim for a socket failed; refreshing status');
        conn.claiming = false;
        refresh(conn, true);
      },
    ).finally(() => {
      conn.claiming = false;
    });
  }

  function roomFor(eventId: string): QueueRoom {
    let room = rooms.get(eventId);
    if (!room) {
      room = new QueueRoom(eventId, {
        publish: deps.publish, claim, refresh: (c) => refresh(c, true),
        cursorIntervalMs: options.cursorIntervalMs, backpressureBytes: options.backpressureBytes,
        ...(deps.now ? { now: deps.now } : {}),
      });
      rooms.set(eventId, room);
      feed.watch(eventId);
    }
    return room;
  }

  const conns = new WeakMap<GatewaySocket<QueueSocketData>, QueueConn>();

  const route: WebSocketRoute<QueueSocketData> = {
    path: QUEUE_WS_PATH,
    maxPayloadBytes: 1_024,
    idleTimeoutSec: options.idleTimeoutSec,
    maxBackpressureBytes: options.backpressureBytes,
    async upgrade(req) {
      try {
        const m = PATH.exec(req.path);
        const eventId = m ? decodeURIComponent(m[1]!) : '';
        if (!ID_PATTERN.test(eventId)) throw new TbError('COMMAND_INVALID_ID', { id: eventId.slice(0, 80) });
        const creds = wsCredentials(req);
        const user = await authenticateUpgrade(creds.token, deps.verifyAccessToken);
        const initial = await queue.join(eventId, user.userId);
        const data: QueueSocketData = { eventId, userId: user.userId, initial };
        return creds.protocol ? { data, protocol: creds.protocol } : { data };
      } catch (err) {
        const res = errorResponse(err);
        if (res.status >= 500) log.warn({ err, path: req.path }, 'queue stream upgrade failed');
        if (res.status === 401) res.headers['www-authenticate'] = 'Bearer';
        return { response: res };
      }
    },
    open(socket) {
      const { eventId, userId, initial } = socket.data;
      const conn: QueueConn = {
        socket, eventId, userId, sessionId: initial.sessionId, ticket: initial.ticket, position: initial.position ?? Number.POSITIVE_INFINITY, state: initial.state, admittedSent: false,
        pendingAdmitted: undefined, claiming: false, stale: false, caughtUpTo: -1, closed: false, slot: 0, askedAt: 0,
      };
      conns.set(socket, conn);
      sockets++;
      const room = roomFor(eventId);
      socket.subscribe(room.topic);
      room.add(conn);
      // The join answer is the exact status: send it at once (with the room's cursor), then claim if due.
      room.applyStatus(conn, initial, true);
      wheel.add(conn);
    },
    drain(socket) {
      const conn = conns.get(socket);
      if (conn) rooms.get(conn.eventId)?.drain(conn);
    },
    message(socket, message) {
      // The only client message: `{"t":"status"}` asks for the exact status now (at most once a second).
      const conn = conns.get(socket);
      const now = (deps.now ?? Date.now)();
      if (!conn || now - conn.askedAt < 1_000) return;
      conn.askedAt = now;
      if (new TextDecoder().decode(message).includes('"status"')) refresh(conn);
    },
    close(socket) {
      const conn = conns.get(socket);
      if (!conn) return;
      conns.delete(socket);
      sockets--;
      wheel.remove(conn);
      const room = rooms.get(conn.eventId);
      if (room?.remove(conn)) {
        retired.published += room.published;
        retired.delivered += room.delivered;
        retired.sent += room.sent;
        room.close();
        rooms.delete(conn.eventId);
        feed.unwatch(conn.eventId);
      }
    },
  };

  return {
    route,
    onEvent,
    stats() {
      const s = { sockets, rooms: rooms.size, ...retired, ...counters };
      for (const r of rooms.values()) {
        s.published += r.published;
        s.delivered += r.delivered;
        s.sent += r.sent;
      }
      return s;
    },
    close() {
      wheel.stop();
      feed.close();
      for (const r of rooms.values()) r.close();
    },
  };
}

/** Turn a status into the frame a client sees first (exported for documentation tests). */
export function statusFrame(status: QueueStatusView): string {
  return encodeFrame({ ...status, t: 'status' });
}
