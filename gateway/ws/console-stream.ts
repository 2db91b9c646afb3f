/**
 * @module gateway/ws/console-stream
 * The organizer's live sale console over WebSocket (`/api/v1/events/:eventId/console/ws`).
 * The upgrade is decided synchronously (path and access-token signature, like the queue stream:
 * never completed from a promise continuation); after `open` the `event` actor decides whether
 * the caller has the `seeSales` permission (staff, or a platform admin). A refused socket gets
 * one `error` frame and the close code `4000 + status` (`close-codes.ts`), e.g. 4403. Once a second per event with at
 * least one console on this gateway, ONE sampler reads the queue's counters and every ticket
 * class (actor reads), derives the rates from the previous sample, and publishes ONE frame on
 * the uWS topic `console/<eventId>`: N consoles cost one set of reads, not N. Payment failures
 * come from the order domain events (`tb.evt.order.*.failed`, one core subscription per gateway
 * while any console is open). The console changes nothing: its controls are REST routes.
 */
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { EVENTS_ROOT, TbError } from '../../contracts/index.js';
import { OrderEventSchemas, decodeEvent } from '../../contracts/events/index.js';
import type { Actors } from '../../actors/client/index.js';
import { errorResponse } from '../responses.js';
import type { GatewaySocket, VerifyAccessToken, WebSocketRoute } from '../types.js';
import type { ConsoleFrame } from './console-types.js';
import { refusalOf } from './close-codes.js';
import type { SyncAccessTokenCheck } from './sync-access-token.js';
import { authenticateUpgrade, wsCredentials } from './ws-auth.js';

/** The path of the console stream. */
export const CONSOLE_WS_PATH = '/api/v1/events/:eventId/console/ws';
/** The subprotocol a console offers beside its token. */
export const CONSOLE_PROTOCOL = 'tb.console.v1';
const PATH = /^\/api\/v1\/events\/([^/]+)\/console\/ws\/?$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Predictions remembered per event until their position is called (one every 5 s). */
const MAX_PREDICTIONS = 120;

export interface ConsoleStreamDeps {
  /** The typed actor references (over the gateway's actor client). */
  actors: Actors;
  /** The synchronous signature check at upgrade (`syncAccessTokenCheck`). */
  checkAccessToken: SyncAccessTokenCheck | undefined;
  /** The full check after `open` (live account, platform roles). */
  verifyAccessToken: VerifyAccessToken | undefined;
  /** For the payment-failure count (`tb.evt.order.*.failed`); without it the count stays 0. */
  nc?: NatsConnection;
  /** Publish to a uWS topic (bound late, like the queue stream). */
  publish: (topic: string, frame: string) => void;
  log: Logger;
  /** Sampling period (default 1000 ms). */
  periodMs?: number;
}

interface ConsoleData {
  eventId: string;
  userId: string;
  token: string;
}

interface Sampler {
  refs: number;
  timer: ReturnType<typeof setInterval>;
  last?: { at: number; admitted: number; sold: number };
  frame?: string;
  failures: number;
  predictions: Array<{ at: number; position: number; predictedSec: number }>;
  checked?: { predictedSec: number; actualSec: number; position: number };
  busy: boolean;
}

/** The console stream: its WebSocket route and a close for shutdown. */
export interface ConsoleStream {
  route: WebSocketRoute<ConsoleData>;
  close(): void;
}

const topicOf = (eventId: string) => `console/${eventId}`;

/** Build the console stream. */
export function createConsoleStream(deps: ConsoleStreamDeps): ConsoleStream {
  const period = deps.periodMs ?? 1000;
  const samplers = new Map<string, Sampler>();
  let failSub: Subscription | undefined;

  const watchFailures = () => {
    if (failSub || !deps.nc) return;
    failSub = deps.nc.subscribe(`${EVENTS_ROOT}.order.*.failed`, {
      callback: (err, msg) => {
        if (err) return;
        const d = decodeEvent(msg.data, msg.headers, OrderEventSchemas);
        if (!d.ok) return; // not an order event: ignore
        const eventId = d.event.data['eventId'];
        const s = typeof eventId === 'string' ? samplers.get(eventId) : undefined;
        if (s && String(d.event.data['reason'] ?? '').startsWith('paymentFailed')) s.failures++;
      },
    });
  };

  const sample = async (eventId: string, s: Sampler) => {
    if (s.busy) return; // a slow read: skip a beat rather than pile up
    s.busy = true;
    try {
      const now = Date.now();
      const event = await deps.actors.event(eventId).get({ viewer: { userId: 'console', platformRoles: ['admin'] } });
      const [queue, classes] = await Promise.all([
        deps.actors
          .queue(eventId)
          .status()
          .catch((err: unknown) => {
            if (TbError.is(err, 'COMMAND_NOT_FOUND')) return undefined;
            throw err;
          }),
        Promise.all(event.ticketClassIds.map((id) => deps.actors.ticketclass(id).get())),
      ]);
      const sold = classes.reduce((n, c) => n + c.sold, 0);
      const admitted = queue?.admitted ?? 0;
      const dt = s.last ? Math.max(0.001, (now - s.last.at) / 1000) : 0;
      const frame: ConsoleFrame = {
        t: 'console',
        eventId,
        at: now,
        classes: classes.map((c) => ({
          classId: c.classId,
          name: c.name,
          total: c.total,
          sold: c.sold,
          reserved: c.reserved,
          available: c.available,
          status: c.status,
        })),
        admissionsPerSec: dt ? Math.max(0, admitted - s.last!.admitted) / dt : 0,
        salesPerSec: dt ? Math.max(0, sold - s.last!.sold) / dt : 0,
        paymentFailures: s.failures,
        eta: {},
      };
      if (queue) {
        const waiting = Math.max(0, queue.joined - queue.cursor);
        frame.queue = {
          phase: queue.phase,
          joined: queue.joined,
          cursor: queue.cursor,
          waiting,
          slotsInUse: queue.slotsInUse,
          maxConcurrent: queue.maxConcurrent,
          admitted: queue.admitted,
          admittedRate: queue.admittedRate,
          soldOut: queue.soldOut,
          paused: (queue as { paused?: boolean }).paused === true,
          ...(queue.available !== undefined ? { available: queue.available } : {}),
        };
        // Predicted vs actual: the wait predicted for the last person in line, checked when the cursor reaches them.
        if (queue.phase === 'open' && queue.admittedRate > 0.01 && waiting > 0) {
          frame.eta.predictedSec = waiting / queue.admittedRate;
          const lastAt = s.predictions.at(-1)?.at ?? 0;
          if (now - lastAt >= 5000 && s.predictions.length < MAX_PREDICTIONS)
            s.predictions.push({ at: now, position: queue.joined, predictedSec: frame.eta.predictedSec });
        }
        while (s.predictions.length && s.predictions[0]!.position <= queue.cursor) {
          const p = s.predictions.shift()!;
          s.checked = { predictedSec: p.predictedSec, actualSec: (now - p.at) / 1000, position: p.position };
        }
        if (s.checked) frame.eta.checked = s.checked;
      }
      s.last = { at: now, admitted, sold };
      s.frame = JSON.stringify(frame);
      deps.publish(topicOf(eventId), s.frame);
    } catch (err) {
      deps.log.warn({ err, eventId }, 'console sample failed');
    } finally {
      s.busy = false;
    }
  };

  const watch = (eventId: string): Sampler => {
    const s = samplers.get(eventId);
    if (s) {
      s.refs++;
      return s;
    }
    watchFailures();
    const created: Sampler = {
      refs: 1,
      failures: 0,
      predictions: [],
      busy: false,
      timer: setInterval(() => void sample(eventId, created), period),
    };
    samplers.set(eventId, created);
    void sample(eventId, created);
    return created;
  };
  const unwatch = (eventId: string) => {
    const s = samplers.get(eventId);
    if (!s || --s.refs > 0) return;
    clearInterval(s.timer);
    samplers.delete(eventId);
    if (samplers.size === 0) {
      failSub?.unsubscribe();
      failSub = undefined;
    }
  };

  /** Sockets between `open` and the end of their authorization; `closed` is set if they go first. */
  const authorizing = new Map<GatewaySocket<ConsoleData>, { closed: boolean }>();
  /** Sockets that passed authorization and hold a sampler reference. */
  const admitted = new Set<GatewaySocket<ConsoleData>>();

  const route: WebSocketRoute<ConsoleData> = {
    path: CONSOLE_WS_PATH,
    maxPayloadBytes: 256,
    idleTimeoutSec: 60,
    upgrade(req) {
      try {
        const m = PATH.exec(req.path);
        let eventId = '';
        try {
          eventId = m ? decodeURIComponent(m[1]!) : '';
        } catch {
          /* bad percent-encoding: refused below */
        }
        if (!ID.test(eventId)) throw new TbError('COMMAND_INVALID_ID', { id: eventId.slice(0, 80) });
        const creds = wsCredentials(req);
        const claims = authenticateUpgrade(creds.token, deps.checkAccessToken);
        const data = { eventId, userId: claims.userId, token: creds.token! };
        return creds.protocol ? { data, protocol: creds.protocol } : { data };
      } catch (err) {
        const res = errorResponse(err);
        if (res.status === 401) res.headers['www-authenticate'] = 'Bearer';
        return { response: res };
      }
    },
    open(socket: GatewaySocket<ConsoleData>) {
      const { eventId, userId, token } = socket.data;
      const pending = { closed: false };
      authorizing.set(socket, pending);
      (async () => {
        const user = deps.verifyAccessToken ? await deps.verifyAccessToken(token) : { userId, roles: [] as string[] };
        if (user.userId !== userId) throw new TbError('AUTH_TOKEN_INVALID');
        const access = await deps.actors.event(eventId).checkAccess({ userId, platformRoles: user.roles.slice(0, 16) });
        if (!access.permissions.includes('seeSales')) {
          if (!access.permissions.includes('read')) throw new TbError('COMMAND_NOT_FOUND', { kind: 'event', id: eventId });
          throw new TbError('EVENT_FORBIDDEN', { eventId, userId, action: 'seeSales', role: access.role });
        }
      })().then(
        () => {
          authorizing.delete(socket);
          if (pending.closed) return;
          admitted.add(socket);
          socket.subscribe(topicOf(eventId));
          const s = watch(eventId);
          if (s.frame) socket.send(s.frame);
        },
        (err: unknown) => {
          authorizing.delete(socket);
          if (pending.closed) return;
          const refusal = refusalOf(err);
          if (refusal.code >= 4500) deps.log.warn({ err, eventId }, 'console authorization failed');
          socket.send(JSON.stringify(refusal.frame), false);
          socket.end(refusal.code, refusal.reason);
        },
      );
    },
    close(socket: GatewaySocket<ConsoleData>) {
      const pending = authorizing.get(socket);
      if (pending) pending.closed = true;
      if (admitted.delete(socket)) unwatch(socket.data.eventId);
    },
  };
  return {
    route,
    close() {
      for (const s of samplers.values()) clearInterval(s.timer);
      samplers.clear();
      failSub?.unsubscribe();
    },
  };
}
