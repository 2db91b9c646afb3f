/**
 * @module gateway/ws/testing
 * @internal Test doubles for the queue stream's unit tests: a socket that records its frames
 * with a settable buffered amount, and a status builder. Not exported from `gateway/ws`.
 */
import type { GatewaySocket } from '../types.js';
import type { QueueSocketData, QueueStatusView } from './types.js';

/** A recording socket: `frames` are the parsed JSON frames sent to it. */
export interface FakeSocket extends GatewaySocket<QueueSocketData> {
  frames: any[];
  buffered: number;
  /** How the stream ended it, if it did. */
  ended: { code: number; reason: string } | undefined;
}

/** A socket recording what it was sent, with a settable buffered amount. */
export function fakeSocket(userId: string, eventId = 'ev1'): FakeSocket {
  const s = {
    frames: [] as unknown[],
    buffered: 0,
    data: { eventId, userId, token: `tok-${userId}` },
    ended: undefined as { code: number; reason: string } | undefined,
    send(m: string | Uint8Array) {
      s.frames.push(JSON.parse(String(m)));
      return true;
    },
    getBufferedAmount: () => s.buffered,
    subscribe() {},
    unsubscribe() {},
    end(code = 1000, reason = '') {
      s.ended = { code, reason };
    },
  };
  return s as never;
}

/** A queued status at `position`. */
export function status(position: number, over: Partial<QueueStatusView> = {}): QueueStatusView {
  return { state: 'queued', position, ahead: position - 1, estimatedWaitSec: 0, ticket: position, sessionId: `s${position}`, ...over };
}
