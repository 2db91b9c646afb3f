/**
 * @module bench/queue-fanout-worker
 * One client process of the `fanout` case: holds up to 5,000 queue WebSockets (the fd limit is
 * 20,000 per process), forwards each `admitted` to the driver over NATS (which then completes
 * that checkout), and samples how stale each waiting client's position is: 0 while its cursor
 * is the true one, else the time since the true cursor (the queue actor's `advanced` events,
 * commit time `at`) first moved past the client's. Controlled over NATS `bench.fanout.*`.
 * Env: BQ_WS_URL, BQ_EVENT, BQ_TOKENS_FILE (JSON array), BQ_FROM, BQ_TO, BQ_ID, TB_NATS_URL.
 */
import { readFileSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import WebSocket from 'ws';
import { parseQueueEvent, queueFeedSubject } from '../gateway/ws/index.js';

const env = (k: string) => process.env[k] ?? '';
const EVENT = env('BQ_EVENT');
const ID = env('BQ_ID');
const tokens = (JSON.parse(readFileSync(env('BQ_TOKENS_FILE'), 'utf8')) as string[]).slice(Number(env('BQ_FROM')), Number(env('BQ_TO')));
const nc = await connect({ servers: env('TB_NATS_URL').split(','), noAsyncTraces: true, name: `bench-fanout-${ID}` });

// The true cursor timeline: advanced events in cursor order (at-least-once: keep increases only).
const truthCursor: number[] = [];
const truthAt: number[] = [];
nc.subscribe(queueFeedSubject(EVENT), {
  callback: (_e, m) => {
    const ev = parseQueueEvent(m.subject, m.data);
    const c = Number(ev?.data['cursor']);
    if (ev?.name !== 'advanced' || !(c > (truthCursor.at(-1) ?? -1))) return;
    truthCursor.push(c);
    truthAt.push(ev.at);
  },
});
/** When the true cursor first moved past `c`, or undefined when it has not. */
function passedAt(c: number): number | undefined {
  let lo = 0;
  let hi = truthCursor.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (truthCursor[mid]! > c) hi = mid;
    else lo = mid + 1;
  }
  return lo < truthCursor.length ? truthAt[lo] : undefined;
}

interface Client {
  ws: WebSocket;
  position: number;
  cursor: number;
  admitted: boolean;
  sessionId?: string;
}
const clients: Client[] = [];
let frames = 0;
function open(token: string): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${env('BQ_WS_URL')}/api/v1/events/${EVENT}/queue/ws`, ['tb.queue.v1', `bearer.${token}`], {
      perMessageDeflate: false,
    });
    const c: Client = { ws, position: Number.POSITIVE_INFINITY, cursor: -1, admitted: false };
    ws.on('message', (data) => {
      frames++;
      const f = JSON.parse(String(data));
      if (typeof f.cursor === 'number' && f.cursor > c.cursor) c.cursor = f.cursor;
      if (f.sessionId) c.sessionId = f.sessionId;
      if (f.t === 'status') {
        if (typeof f.position === 'number') c.position = f.position;
        if (clients.indexOf(c) < 0) {
          clients.push(c);
          resolve();
        }
      } else if (f.t === 'admitted' && !c.admitted) {
        c.admitted = true;
        nc.publish('bench.fanout.admitted', JSON.stringify({ sessionId: c.sessionId, at: Date.now() }));
      }
    });
    ws.on('error', () => resolve());
    ws.on('unexpected-response', () => resolve());
  });
}

for (let i = 0; i < tokens.length; i += 100) await Promise.all(tokens.slice(i, i + 100).map(open));
console.log(`fanout worker ${ID} ready ${clients.length}`);

// Staleness histogram, 1 ms buckets (sparse).
const hist = new Map<number, number>();
let sampling: ReturnType<typeof setInterval> | undefined;
nc.subscribe('bench.fanout.sampling', {
  callback: (_e, m) => {
    if (m.string() === 'on' && !sampling) {
      hist.clear();
      sampling = setInterval(() => {
        const now = Date.now();
        const truth = truthCursor.at(-1) ?? -1;
        for (const c of clients) {
          if (c.admitted || c.position <= truth) continue; // only clients still waiting
          const since = c.cursor >= truth ? undefined : passedAt(c.cursor);
          const ms = since === undefined ? 0 : Math.max(0, now - since);
          hist.set(ms, (hist.get(ms) ?? 0) + 1);
        }
      }, 250);
    } else if (m.string() === 'off' && sampling) {
      clearInterval(sampling);
      sampling = undefined;
    }
  },
});
nc.subscribe(`bench.fanout.report.${ID}`, {
  callback: (_e, m) => void m.respond(JSON.stringify({ hist: [...hist], frames, clients: clients.length })),
});
nc.subscribe('bench.fanout.stop', {
  callback: () => {
    for (const c of clients) c.ws.terminate();
    void nc.drain().then(() => process.exit(0));
  },
});
