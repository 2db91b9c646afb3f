/**
 * @module test/e2e/launcher
 * The REAL launcher (`ops/start.ts`, or `dist/ops/start.js` of the compiled build) started as a
 * user starts it, on its own nats-server, a throwaway database (the launcher creates and migrates
 * it), free ports and a private data directory; resolves on its "ready" line. `asE2EStack` wraps
 * it as the stack the checkout suite runs on (test/e2e/checkout-suite.ts), with the suite's second
 * gateway (a 3 s payment deadline) started beside it in the same form.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { DIST_ROOT, REPO_ROOT, type CodeForm } from '../../app/entry.js';
import { spawnEntry, type ChildHandle } from '../../app/process.js';
import { createDb } from '../../db/index.js';
import { dropDatabase, testDatabaseUrl, throwawayName } from '../db/throwaway-db.js';
import { freePorts, startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { e2eEnv, type E2EStack } from './stack.js';

/** A launcher that said it is ready. */
export interface StartedLauncher {
  proc: ChildHandle;
  nats: NatsServerHandle;
  dbUrl: string;
  url: string;
  env: Record<string, string>;
  /** The ready line. */
  ready: string;
  /** SIGTERM the launcher; resolves to its exit code (then drops the database, stops NATS). */
  stop(): Promise<number | null>;
}

/** Start the launcher in `form`; `env` goes over the e2e settings. */
export async function startLauncher(o: {
  form: CodeForm;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}): Promise<StartedLauncher> {
  const nats = await startNatsServer();
  const dbName = throwawayName();
  const dbUrl = testDatabaseUrl(dbName);
  const dataDir = mkdtempSync(join(tmpdir(), 'tb-launcher-'));
  const [httpPort, adminPort] = (await freePorts(2)) as [number, number];
  const url = `http://127.0.0.1:${httpPort}`;
  const base = e2eEnv(nats.url, dbUrl);
  const env: Record<string, string> = {
    ...base,
    TB_HTTP_PORT: String(httpPort),
    TB_ADMIN_PORT: String(adminPort),
    TB_PUBLIC_BASE_URL: url,
    // The launcher's data directory (local services, logs) is a tuning constant: a temp one here.
    TB_TUNING: JSON.stringify({ ...JSON.parse(base.TB_TUNING ?? '{}'), dataDir }),
    TB_ACTOR_NODES: '2',
    TB_GATEWAYS: '1',
    ...o.env,
  };
  const proc = spawnEntry('ops/start.ts', { name: `launcher-${o.form}`, form: o.form, env });
  const cleanup = async () => {
    await dropDatabase(dbName).catch(() => undefined);
    await nats.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const stop = async () => {
    const code = await proc.stop(30_000);
    await cleanup();
    return code;
  };
  try {
    const ready = await proc.waitForLine(/TicketBottle is ready/, o.readyTimeoutMs ?? 150_000);
    return { proc, nats, dbUrl, url, env, ready, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The launcher's stack as the checkout suite uses it, plus a second gateway `gateway-short`. */
export async function launcherE2EStack(form: CodeForm): Promise<E2EStack> {
  const l = await startLauncher({ form });
  const [shortPort] = (await freePorts(1)) as [number];
  const shortUrl = `http://127.0.0.1:${shortPort}`;
  const short = spawnEntry('gateway/main.ts', {
    name: `launcher-${form}-gateway-short`,
    form,
    env: {
      ...l.env,
      TB_HTTP_PORT: String(shortPort),
      TB_ADMIN_PORT: '-1',
      TB_PUBLIC_BASE_URL: shortUrl,
      TB_TUNING: JSON.stringify({ ...JSON.parse(l.env.TB_TUNING ?? '{}'), orderPaymentTtlMs: 3000 }),
    },
  });
  const db = createDb(l.dbUrl, { max: 4 });
  const stop = async () => {
    await short.stop();
    await nc?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    await l.stop();
  };
  let nc: Awaited<ReturnType<typeof connect>> | undefined;
  try {
    await short.waitForLine(/gateway listening/, 90_000);
    nc = await connect({ servers: l.nats.url, name: 'e2e-observer' });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    nats: l.nats,
    dbUrl: l.dbUrl,
    db,
    nc,
    env: l.env,
    url: l.url,
    urls: { gateway: l.url, 'gateway-short': shortUrl },
    procs: new Map([
      ['launcher', l.proc],
      ['gateway-short', short],
    ]),
    start: () => Promise.reject(new Error('the launcher supervises its own processes')),
    stop,
  };
}

/** Newest modification time under `dir` (ms), skipping `node_modules`, `dist` and dot folders. */
function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : name.endsWith('.ts') || name.endsWith('.sql') ? s.mtimeMs : 0);
  }
  return t;
}

/**
 * Make sure `dist/` is the build of the current sources: `npm test` builds it first (pretest);
 * a test file run alone builds it here when it is missing or older than a source file.
 */
export function ensureBuilt(): void {
  const stamp = join(DIST_ROOT, 'BUILT');
  const dirs = [
    'app',
    'ops',
    'actors',
    'gateway',
    'contracts',
    'config',
    'db',
    'accounts',
    'catalog',
    'queue',
    'payments',
    'orders',
    'tickets',
    'mailer',
  ];
  if (existsSync(stamp) && dirs.every((d) => newest(join(REPO_ROOT, d)) <= statSync(stamp).mtimeMs)) return;
  execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit', timeout: 300_000 });
}
