/**
 * The waiting room's connection: one WebSocket to `/api/v1/events/:id/queue/ws`
 * (docs/websocket.md), the access token as a subprotocol (never in the URL). It survives what a
 * phone does to a page: a dropped network, a tab put in the background, a reload. Every
 * (re)connect resumes the SAME queue session on the server (one session per user per event), so
 * reconnecting never takes a second place; a reconnect is tried at once when the tab comes back
 * or the network returns, otherwise with backoff.
 */
import type { QueueFrame } from '../../gateway/ws/types.js';
import { getSession } from './session.js';

export type { QueueFrame };

/** What the page learns from the socket. */
export interface QueueSocketEvents {
  frame(f: QueueFrame): void;
  /** `connected` = open; `reconnecting` = waiting to try again (attempt n). */
  link(state: 'connecting' | 'connected' | 'reconnecting', attempt: number): void;
}

export interface QueueSocket {
  close(): void;
  refresh(): void;
  readonly opens: number;
}

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];

/** Connect and keep connected until `close()`. */
export function openQueueSocket(eventId: string, on: QueueSocketEvents): QueueSocket {
  let ws: WebSocket | undefined;
  let closed = false;
  let attempt = 0;
  let opens = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    if (closed) return;
    clearTimeout(timer);
    const token = getSession()?.accessToken;
    if (!token) return;
    on.link('connecting', attempt);
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/events/${encodeURIComponent(eventId)}/queue/ws`;
    const sock = new WebSocket(url, ['tb.queue.v1', `bearer.${token}`]);
    ws = sock;
    sock.onopen = () => {
      attempt = 0;
      opens++;
      on.link('connected', 0);
    };
    sock.onmessage = (m) => {
      try {
        on.frame(JSON.parse(String(m.data)) as QueueFrame);
      } catch {
        /* not ours: ignore */
      }
    };
    sock.onclose = () => {
      if (ws !== sock || closed) return;
      ws = undefined;
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]! * (0.75 + Math.random() / 2);
      attempt++;
      on.link('reconnecting', attempt);
      timer = setTimeout(connect, delay);
    };
  };
  const now = () => {
    if (closed) return;
    if (!ws || ws.readyState === WebSocket.CLOSED || ws.readyState === WebSocket.CLOSING) {
      ws = undefined;
      connect();
    } else if (ws.readyState === WebSocket.OPEN) ws.send('{"t":"status"}');
  };
  const onVisible = () => {
    if (document.visibilityState === 'visible') now();
  };
  document.addEventListener('visibilitychange', onVisible);
  window.addEventListener('online', now);
  connect();
  return {
    get opens() {
      return opens;
    },
    refresh: now,
    close() {
      closed = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('online', now);
      ws?.close(1000);
    },
  };
}
