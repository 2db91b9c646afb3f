/**
 * @module test/gateway/ws/fresh-sockets-worker
 * One client process of `test/gateway/ws-fresh-sockets.test.ts`: for each of its users, opens a
 * fresh queue socket per wave, waits until every socket of the wave has its first `status`
 * frame and a moment more (a dropped socket is shut in the millisecond after its open), then
 * closes them all itself. A socket that opened and then closed before the client closed it,
 * without one of the stream's refusal codes (4400–4599), is a drop. Prints one JSON line
 * `{"done":true,…}` with the counts. Env: `WS_URL`, `EVENT_ID`, `TOKENS_FILE` (a JSON array),
 * `WAVES`, `BATCH` (upgrades started at once).
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

type Outcome =
  | { kind: 'ok' }
  | { kind: 'dropped'; code: number; gotStatus: boolean }
  | { kind: 'refused'; code: number; reason: string }
  | { kind: 'http'; status: number }
  | { kind: 'failed'; error: string };

const env = (k: string) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const url = `${env('WS_URL')}/api/v1/events/${env('EVENT_ID')}/queue/ws`;
const tokens = JSON.parse(readFileSync(env('TOKENS_FILE'), 'utf8')) as string[];
const waves = Number(env('WAVES'));
const batch = Number(process.env['BATCH'] ?? '200');

/** One socket: `ready` resolves at its first frame (or its end); `close()` ends it; `done` says how it went. */
function openOne(token: string): { ready: Promise<void>; close(): void; done: Promise<Outcome> } {
  const ws = new WebSocket(url, ['tb.queue.v1', `bearer.${token}`], { perMessageDeflate: false, handshakeTimeout: 60_000 });
  let opened = false;
  let gotStatus = false;
  let closingByUs = false;
  let markReady!: () => void;
  const ready = new Promise<void>((r) => {
    markReady = r;
  });
  const done = new Promise<Outcome>((resolve) => {
    let error = '';
    ws.on('open', () => {
      opened = true;
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { t: string };
      if (frame.t === 'status') gotStatus = true;
      markReady();
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ kind: 'http', status: res.statusCode ?? 0 });
      ws.terminate();
      markReady();
    });
    ws.on('error', (err) => {
      error = String(err.message);
    });
    ws.on('close', (code, reason) => {
      markReady();
      if (closingByUs && gotStatus) resolve({ kind: 'ok' });
      else if (code >= 4400 && code < 4600) resolve({ kind: 'refused', code, reason: String(reason) });
      else if (opened) resolve({ kind: 'dropped', code, gotStatus });
      else resolve({ kind: 'failed', error });
    });
  });
  return {
    ready,
    done,
    close() {
      closingByUs = true;
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    },
  };
}

async function main(): Promise<void> {
  const counts = { ok: 0, dropped: 0, refused: 0, http: 0, failed: 0, retried: 0 };
  const samples: Outcome[] = [];
  for (let wave = 0; wave < waves; wave++) {
    let pending = tokens;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const socks: Array<ReturnType<typeof openOne>> = [];
      for (let i = 0; i < pending.length; i += batch) {
        const chunk = pending.slice(i, i + batch).map(openOne);
        socks.push(...chunk);
        await Promise.all(chunk.map((s) => s.ready));
      }
      // Every socket of the wave has its status (or ended): hold a moment, then close them all.
      await new Promise((r) => setTimeout(r, 50));
      for (const s of socks) s.close();
      const outcomes = await Promise.all(socks.map((s) => s.done));
      const retry: string[] = [];
      outcomes.forEach((o, i) => {
        // A connection that never opened (accept backlog, reset) is no drop: try it again, a few times.
        if (o.kind === 'failed' && attempt < 3) {
          counts.retried++;
          retry.push(pending[i]!);
          return;
        }
        counts[o.kind]++;
        if (o.kind !== 'ok' && samples.length < 20) samples.push(o);
      });
      pending = retry;
    }
  }
  process.stdout.write(`${JSON.stringify({ done: true, pid: process.pid, ...counts, samples })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stdout.write(`${JSON.stringify({ done: false, error: String(err) })}\n`);
    process.exit(1);
  },
);
