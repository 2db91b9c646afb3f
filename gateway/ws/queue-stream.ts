/**
 * @module gateway/ws/queue-stream
 * The queue's live stream on one gateway: `GET /api/v1/events/:eventId/queue/ws`. Upgrade =
 * the synchronous checks only (per-IP upgrade rate, the path, the token's signature and claims,
 * the per-user socket cap), refused with an HTTP status before upgrading; the upgrade is never
 * completed from a promise continuation (uNetworking/uWebSockets.js#1108). Open = authorize
 * (the account check that needs I/O, then join or resume the user's one session), then send the
 * exact status and join the event's room; a refusal there is an `error` frame and a close with
 * code `4000 + status` (`close-codes.ts`). Then one NATS subscription per event feeds cursor
 * updates that reach every socket as one coalesced topic publish, the gateway claims the
 * checkout token for each connected socket the cursor passes, and a staggered wheel pushes the
 * exact status every `correctionMs`. Gateways share nothing: each subscribes for its own
 * sockets; the queue actor and its KV are the shared state.
 */
import type { Logger } from 'pino';
import { ID_PATTERN, TbError } from '../../contracts/index.js';
import { errorResponse } from '../responses.js';
import type { GatewayRequest, GatewaySocket, VerifyAccessToken, WebSocketRoute } from '../types.js';
import { refusalOf } from './close-codes.js';
import { CorrectionWheel } from './correction-wheel.js';
import type { QueueFeed } from './queue-feed.js';
import { QueueRoom, encodeFrame, type QueueConn } from './queue-room.js';
import type { QueueFeedEvent, QueuePort, QueueSocketData, QueueStatusView, QueueStreamOptions } from './types.js';
import type { SyncAccessTokenCheck } from './sync-access-token.js';
import { UpgradeLimits } from './upgrade-limits.js';
import { authenticateUpgrade, wsCredentials } from './ws-auth.js';

/** The route pattern (uWS syntax) of the queue stream. */
export const QUEUE_WS_PATH = '/api/v1/events/:eventId/queue/ws';
const PATH = /^\/api\/v1\/events\/([^/]+)\/queue\/ws\/?$/;

/** The event id in the path; `COMMAND_INVALID_ID` (400) when it is not one, bad percent-encoding included. */
function eventIdOf(path: string): string {
  const m = PATH.exec(path);
  let eventId = '';
  try {
    eventId = m ? decodeURIComponent(m[1]!) : '';
  } catch {
    // A malformed escape (`%E0%A4%A`) is a bad id, not a server error.
    throw new TbError('COMMAND_INVALID_ID', { id: m![1]!.slice(0, 80) });
  }
  if (!ID_PATTERN.test(eventId)) throw new TbError('COMMAND_INVALID_ID', { id: eventId.slice(0, 80) });
  return eventId;
}

/** What the stream is built from. */
export interface QueueStreamDeps {
  queue: QueuePort;
  /** The token's signature and claims, checked synchronously in the upgrade (`syncAccessTokenCheck`). */
  checkAccessToken: SyncAccessTokenCheck | undefined;
  /** The account checks that need I/O (deleted user), run after `open`; a refusal closes with 4401. */
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
  /** Sockets open but not yet authorized (account check and join in flight). */
  authorizing: number;
  /** Upgrades refused by the per-IP rate and by the per-user socket cap. */
  upgradesRateLimited: number;
  upgradesOverUserCap: number;
  /** Sockets closed by the stream after `open` with a refusal code (4000 + status). */
  refusedAfterOpen: number;
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
  const counters = { claims: 0, claimFailures: 0, corrections: 0, correctionsSkipped: 0, correctionReads: 0, refusedAfterOpen: 0 };
  const limits = new UpgradeLimits({
    ipPerSec: options.upgradeIpPerSec ?? 0,
    ipBurst: options.upgradeIpBurst ?? 1,
    maxSocketsPerUser: options.maxSocketsPerUser ?? 0,
    ...(deps.now ? { now: deps.now } : {}),
  });
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
    queue
      .status(conn.eventId, conn.userId)
      .then(
        (status) => rooms.get(conn.eventId)?.applyStatus(conn, status, true),
        (err: unknown) => log.debug({ err, eventId: conn.eventId }, 'queue status for a socket failed'),
      )
      .finally(() => inFlight--);
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
      queue
        .statusMany(
          eventId,
          live.map((c) => ({ sessionId: c.sessionId, ticket: c.ticket })),
        )
        .then(
          (statuses) => {
            const room = rooms.get(eventId);
            live.forEach((c, i) => room?.applyStatus(c, statuses[i]!, true));
          },
          (err: unknown) => log.debug({ err, eventId }, 'batched queue status failed'),
        )
        .finally(() => inFlight--);
    }
  }

  const wheel = new CorrectionWheel<QueueConn>(options.correctionMs, (conn) => {
    if (conn.state === 'queued' || conn.state === 'admitted') correct(conn);
    else wheel.remove(conn); // completed, expired, left: nothing more to correct
  });

  function claim(conn: QueueConn): void {
    conn.claiming = true;
    counters.claims++;
    queue
      .claim(conn.eventId, conn.userId)
      .then(
        (grant) => rooms.get(conn.eventId)?.sendAdmitted(conn, grant),
        (err: unknown) => {
          // Not admitted after all (skipped, expired, cursor ahead of the session): resync exactly.
          counters.claimFailures++;
          log.debug({ err, eventId: conn.eventId }, 'claim for a socket failed; refreshing status');
          conn.claiming = false;
          refresh(conn, true);
        },
      )
      .finally(() => {
        conn.claiming = false;
      });
  }

  function roomFor(eventId: string): QueueRoom {
    let room = rooms.get(eventId);
    if (!room) {
      room = new QueueRoom(eventId, {
        publish: deps.publish,
        claim,
        refresh: (c) => refresh(c, true),
        cursorIntervalMs: options.cursorIntervalMs,
        backpressureBytes: options.backpressureBytes,
        ...(deps.now ? { now: deps.now } : {}),
      });
      rooms.set(eventId, room);
      feed.watch(eventId);
    }
    return room;
  }

  const conns = new WeakMap<GatewaySocket<QueueSocketData>, QueueConn>();
  /** Sockets between `open` and the end of their authorization; `closed` is set if they go first. */
  const authorizing = new Map<GatewaySocket<QueueSocketData>, { closed: boolean }>();

  /** The synchronous part of the decision; throws a `TbError` to refuse. */
  function decideUpgrade(req: GatewayRequest): { data: QueueSocketData; protocol?: string } {
    limits.takeUpgrade(req.ip);
    const eventId = eventIdOf(req.path);
    const creds = wsCredentials(req);
    const claims = authenticateUpgrade(creds.token, deps.checkAccessToken);
    limits.checkUser(eventId, claims.userId);
    const data: QueueSocketData = { eventId, userId: claims.userId, token: creds.token! };
    return creds.protocol ? { data, protocol: creds.protocol } : { data };
  }

  /** After `open`: the account check, then join or resume; the socket enters its room, or is refused. */
  function authorize(socket: GatewaySocket<QueueSocketData>): void {
    const { eventId, userId, token } = socket.data;
    const pending = { closed: false };
    authorizing.set(socket, pending);
    const verify = deps.verifyAccessToken;
    (async () => {
      if (verify) {
        const user = await verify(token);
        if (user.userId !== userId) throw new TbError('AUTH_TOKEN_INVALID');
      }
      return queue.join(eventId, userId);
    })().then(
      (initial) => {
        authorizing.delete(socket);
        if (!pending.closed) admit(socket, initial);
      },
      (err: unknown) => {
        authorizing.delete(socket);
        if (pending.closed) return;
        const refusal = refusalOf(err);
        if (refusal.code >= 4500) log.warn({ err, eventId }, 'queue stream authorization failed');
        counters.refusedAfterOpen++;
        socket.send(encodeFrame(refusal.frame), false);
        socket.end(refusal.code, refusal.reason);
      },
    );
  }

  /** An authorized socket: send the exact status at once, join the event's room. */
  function admit(socket: GatewaySocket<QueueSocketData>, initial: QueueStatusView): void {
    const { eventId, userId } = socket.data;
    const conn: QueueConn = {
      socket,
      eventId,
      userId,
      sessionId: initial.sessionId,
      ticket: initial.ticket,
      position: initial.position ?? Number.POSITIVE_INFINITY,
      state: initial.state,
      admittedSent: false,
      pendingAdmitted: undefined,
      claiming: false,
      stale: false,
      caughtUpTo: -1,
      closed: false,
      slot: 0,
      askedAt: 0,
    };
    conns.set(socket, conn);
    sockets++;
    const room = roomFor(eventId);
    room.add(conn);
    // The join answer is the exact status: send it at once (with the room's cursor), then claim if
    // due. Subscribe after it, so the first frame is always the status: a cursor this status moves
    // forward is published before the subscription, and the status frame carries it anyway.
    room.applyStatus(conn, initial, true);
    socket.subscribe(room.topic);
    wheel.add(conn);
  }

  const route: WebSocketRoute<QueueSocketData> = {
    path: QUEUE_WS_PATH,
    maxPayloadBytes: 1_024,
    idleTimeoutSec: options.idleTimeoutSec,
    maxBackpressureBytes: options.backpressureBytes,
    upgrade(req) {
      try {
        return decideUpgrade(req);
      } catch (err) {
        const res = errorResponse(err);
        if (res.status >= 500) log.warn({ err, path: req.path }, 'queue stream upgrade failed');
        if (res.status === 401) res.headers['www-authenticate'] = 'Bearer';
        return { response: res };
      }
    },
    open(socket) {
      // uWS runs this inside `res.upgrade`, so the socket counts before the next upgrade is decided.
      limits.opened(socket.data.eventId, socket.data.userId);
      authorize(socket);
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
      limits.closed(socket.data.eventId, socket.data.userId);
      const pending = authorizing.get(socket);
      if (pending) {
        pending.closed = true;
        authorizing.delete(socket);
      }
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
      const s = {
        sockets,
        rooms: rooms.size,
        ...retired,
        ...counters,
        authorizing: authorizing.size,
        upgradesRateLimited: limits.refusedIp,
        upgradesOverUserCap: limits.refusedUser,
      };
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
