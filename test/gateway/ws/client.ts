/**
 * @module test/gateway/ws/client
 * A queue-stream client for tests and the benchmark (`ws` package): opens the socket with the
 * token as a `bearer.` subprotocol, records every frame, and derives the user's place the way
 * docs/websocket.md tells a browser to: `ahead = max(0, position - cursor - 1)` from its own
 * position (status) and the highest cursor seen (cursor and status frames).
 */
import WebSocket from 'ws';

/** A connected queue client. */
export interface QueueClient {
  readonly ws: WebSocket;
  /** Every frame, parsed, with its receive time. */
  readonly frames: { at: number; frame: any }[];
  position: number | undefined;
  sessionId: string | undefined;
  ticket: number | undefined;
  cursor: number;
  /** When the current `cursor` value arrived (ms). */
  cursorSeenAt: number;
  /** Derived `ahead` after each frame that changed it. */
  readonly aheadHistory: number[];
  admitted: { token: string; expiresAt: unknown; at: number } | undefined;
  admittedCount: number;
  /** How and when the socket closed, once it has. */
  closed: { code: number; reason: string; at: number } | undefined;
  /** Resolve when `pred` holds (checked after each frame and at close), reject after `timeoutMs`. */
  waitFor(pred: (c: QueueClient) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

/**
 * Open a client; resolves after the first frame (the status). Rejects with `status` (HTTP) when
 * the upgrade is refused, or with `closeCode` (4000 + status) and `code` when the stream refuses
 * the socket after it opened (an `error` frame, then the close: docs/websocket.md).
 */
export function openQueueClient(
  baseWs: string,
  eventId: string,
  token: string | undefined,
  opts: { record?: boolean; via?: 'protocol' | 'query' } = {},
): Promise<QueueClient> {
  const path = `${baseWs}/api/v1/events/${eventId}/queue/ws`;
  const useQuery = opts.via === 'query';
  const url = useQuery && token ? `${path}?access_token=${encodeURIComponent(token)}` : path;
  const protocols = !useQuery && token ? ['tb.queue.v1', `bearer.${token}`] : undefined;
  const ws = new WebSocket(url, protocols, { perMessageDeflate: false });
  const waiters = new Set<() => void>();
  const c: QueueClient = {
    ws,
    frames: [],
    position: undefined,
    sessionId: undefined,
    ticket: undefined,
    cursor: -1,
    cursorSeenAt: 0,
    aheadHistory: [],
    admitted: undefined,
    admittedCount: 0,
    closed: undefined,
    waitFor(pred, timeoutMs = 60_000) {
      if (pred(c)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pred(c)) return;
          clearTimeout(t);
          waiters.delete(check);
          resolve();
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `timed out waiting (cursor ${c.cursor}, position ${c.position}, frames ${c.frames.length}${c.closed ? `, closed ${JSON.stringify(c.closed)}` : ''})`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
      });
    },
    close: () => ws.close(),
  };
  const setCursor = (cursor: unknown, now: number) => {
    if (typeof cursor === 'number' && cursor > c.cursor) {
      c.cursor = cursor;
      c.cursorSeenAt = now;
    }
  };
  ws.on('close', (code, reason) => {
    c.closed = { code, reason: String(reason), at: Date.now() };
    for (const w of [...waiters]) w(); // a predicate may be waiting for the close
  });
  ws.on('message', (data) => {
    const now = Date.now();
    const frame = JSON.parse(String(data));
    if (opts.record !== false) c.frames.push({ at: now, frame });
    if (frame.t === 'status') {
      if (typeof frame.position === 'number') c.position = frame.position;
      c.sessionId = frame.sessionId;
      c.ticket = frame.ticket;
      setCursor(frame.cursor, now);
      if (frame.state === 'admitted' && !c.admitted && frame.token)
        c.admitted = { token: frame.token, expiresAt: frame.tokenExpiresAt, at: now };
    } else if (frame.t === 'cursor') {
      setCursor(frame.cursor, now);
    } else if (frame.t === 'admitted') {
      c.admittedCount++;
      c.admitted ??= { token: frame.token, expiresAt: frame.expiresAt, at: now };
    }
    if (c.position !== undefined && c.cursor >= 0) {
      const ahead = Math.max(0, c.position - c.cursor - 1);
      if (c.aheadHistory.at(-1) !== ahead) c.aheadHistory.push(ahead);
    }
    for (const w of [...waiters]) w();
  });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode }));
      ws.terminate();
    });
    ws.once('error', reject);
    ws.once('message', (data) => {
      const first = JSON.parse(String(data)) as { t?: string; code?: string };
      if (first.t !== 'error') return resolve(c);
      ws.once('close', (closeCode: number) =>
        reject(Object.assign(new Error(`refused after open: ${closeCode} ${first.code}`), { closeCode, code: first.code })),
      );
    });
  });
}

/**
 * Wait until `first` (or a reopened successor) is admitted. A socket the server closed before
 * the admission is reopened with `reopen`, as a browser reconnects and resumes its session, at
 * most `maxReconnects` times. Resolves with the admitted client and how many reconnects it took; rejects when the
 * wait times out or the budget is spent, so the caller can add what it knows.
 */
export async function untilAdmitted(
  first: QueueClient,
  reopen: (closed: QueueClient) => Promise<QueueClient>,
  opts: { maxReconnects: number; timeoutMs: number },
): Promise<{ client: QueueClient; reconnects: number }> {
  let client = first;
  for (let reconnects = 0; ; reconnects++) {
    await client.waitFor((c) => c.admitted !== undefined || c.closed !== undefined, opts.timeoutMs);
    if (client.admitted !== undefined) return { client, reconnects };
    if (reconnects >= opts.maxReconnects) throw new Error(`socket closed ${JSON.stringify(client.closed)} after ${reconnects} reconnects`);
    client = await reopen(client);
  }
}
