/**
 * @module test/gateway/ws-fresh-sockets.test
 * gateway ws integration (issue 10, item 8): no fresh queue socket is dropped. 20,000 fresh
 * sockets are opened against one gateway (real NATS, PostgreSQL, actor node) by four client
 * processes at once, 1,000 users each, in five waves: a wave opens a socket per user, waits until
 * every one has its first `status` frame, holds them a moment, and closes them itself. Before the
 * fix, the upgrade completed from a promise continuation (`res.cork(() => res.upgrade(…))`) and
 * uWS shut about one fresh socket in five thousand right after `open` (uWS.js#1108, 1006 on the
 * client). A drop = a socket that opened and then closed before the client closed it, without a
 * refusal code of the stream (4400–4599). Each process stays far below the 20,000-file limit
 * (the gateway holds at most 4,000 sockets at a time). Counts only, no wall-clock assertions.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnTs, type ChildHandle } from '../harness/processes.js';
import { startWsStack, type WsStack } from './ws/setup.js';

const WORKERS = 4;
const USERS_PER_WORKER = 1_000;
const WAVES = 5;

let stack: WsStack;
const workers: ChildHandle[] = [];
beforeAll(async () => {
  stack = await startWsStack({ wsUpgradeIpPerSec: 0 });
});
afterAll(async () => {
  for (const w of workers) await w.stop().catch(() => undefined);
  await stack?.stop();
});

interface WorkerResult {
  done: boolean;
  ok: number;
  dropped: number;
  refused: number;
  http: number;
  failed: number;
  retried: number;
  samples: unknown[];
  error?: string;
}

describe('gateway ws - fresh sockets', () => {
  it('gateway ws - 20,000 fresh sockets from 4 processes under load: zero dropped after open', async () => {
    await stack.openEvent('fresh', 50);
    const users = await stack.users(WORKERS * USERS_PER_WORKER);
    const results = await Promise.all(
      Array.from({ length: WORKERS }, async (_, w) => {
        const file = join(tmpdir(), `tb-fresh-tokens-${process.pid}-${w}.json`);
        writeFileSync(file, JSON.stringify(users.slice(w * USERS_PER_WORKER, (w + 1) * USERS_PER_WORKER).map((u) => u.token)));
        const child = spawnTs('test/gateway/ws/fresh-sockets-worker.ts', {
          name: `fresh-sockets-${w}`,
          env: { WS_URL: stack.wsUrl, EVENT_ID: 'fresh', TOKENS_FILE: file, WAVES: String(WAVES), BATCH: '250' },
        });
        workers.push(child);
        // Bounded; about 80 s on an idle 2-core machine, more when the machine is shared.
        const line = await child.waitForLine(/"done":/, 420_000);
        return JSON.parse(line.slice(line.indexOf('{'))) as WorkerResult;
      }),
    );
    const total = (k: 'ok' | 'dropped' | 'refused' | 'http' | 'failed') => results.reduce((n, r) => n + r[k], 0);
    const summary = {
      ok: total('ok'),
      dropped: total('dropped'),
      refused: total('refused'),
      http: total('http'),
      failed: total('failed'),
      samples: results.flatMap((r) => r.samples),
    };
    expect(
      results.every((r) => r.done),
      JSON.stringify(results.map((r) => r.error)),
    ).toBe(true);
    expect(summary).toEqual({ ok: WORKERS * USERS_PER_WORKER * WAVES, dropped: 0, refused: 0, http: 0, failed: 0, samples: [] });
    const stats = stack.stream.stats();
    expect(stats.refusedAfterOpen ?? 0).toBe(0);
    await expect.poll(() => stack.stream.stats().sockets, { timeout: 20_000 }).toBe(0); // every close reached the server
  }, 480_000);
});
