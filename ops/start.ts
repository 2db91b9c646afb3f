/**
 * @module ops/start
 * The all-in-one launcher behind `npm start`: ensures NATS and PostgreSQL, runs migrations, then
 * supervises `TB_ACTOR_NODES` actor nodes and `TB_GATEWAYS` gateways as child processes.
 * Invariants: a child that dies unexpectedly is restarted (at most 5 times a minute, with
 * backoff); on SIGINT/SIGTERM every child gets SIGTERM and up to 15 s before SIGKILL, and only
 * the services this launcher started are stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadConfig, refuseUnsafeStart, type Config } from '../config/index.js';
import { ensureServices, type LocalServices } from './local-services.js';
import { backoffDelay, createLogger } from '../platform/index.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const MAX_RESTARTS_PER_MINUTE = 5;
const SHUTDOWN_GRACE_MS = 15_000;

/** One supervised process: what to run and the extra environment that makes it unique. */
interface ChildSpec {
  name: string;
  file: string;
  env: Record<string, string>;
}

interface Supervised {
  spec: ChildSpec;
  proc?: ChildProcess;
  exited?: Promise<void>;
  restarts: number[]; // timestamps of recent restarts
}

const cfg = loadConfig(process.env);
refuseUnsafeStart(cfg, 'launcher');
const log = createLogger('launcher', { level: cfg.logLevel });
let shuttingDown = false;
const children: Supervised[] = [];
let services: LocalServices | undefined;

/** The processes `npm start` runs for `cfg` (exported shape is documented in the README). */
function childSpecs(c: Config): ChildSpec[] {
  const specs: ChildSpec[] = [];
  for (let i = 0; i < c.actorNodes; i++) {
    // TB_INSTANCE: each node's admin (metrics) port is 9181 + 10 × i (platform/ports.ts).
    const env: Record<string, string> = { TB_NODE_ID: `node-${i}`, TB_INSTANCE: String(i) };
    specs.push({ name: `node-${i}`, file: 'actors/node-main.ts', env });
  }
  for (let i = 0; i < c.gateways; i++) {
    const env: Record<string, string> = c.gateways > 1 ? { TB_HTTP_PORT: String(c.httpPort + i), TB_INSTANCE: String(i) } : {};
    specs.push({ name: `gateway-${i}`, file: 'gateway/main.ts', env });
  }
  // One catalog projector per deployment: a durable consumer, so a second one would only share its work.
  specs.push({ name: 'catalog', file: 'catalog/projector-main.ts', env: {} });
  // One stock watcher per deployment: tells each waitroom its event's stock.
  specs.push({ name: 'stock-watcher', file: 'queue/watcher-main.ts', env: {} });
  // The payments outbox relay (one is enough; more are safe: rows are claimed with SKIP LOCKED).
  specs.push({ name: 'payment-relay', file: 'payments/relay-main.ts', env: {} });
  // Payment events → order commands, and the order-history projection (durable consumers).
  specs.push({ name: 'payment-events', file: 'orders/payment-events-main.ts', env: {} });
  specs.push({ name: 'order-history', file: 'orders/history-main.ts', env: {} });
  // The order saga's executor: performs intents the fast path left open (any number may share it).
  specs.push({ name: 'order-saga', file: 'orders/worker-main.ts', env: {} });
  // Tickets: issued on order.completed, voided on order.refunded, check-ins projected (durable consumers).
  specs.push({ name: 'tickets', file: 'tickets/main.ts', env: {} });
  return specs;
}

/** Pino JSON lines pass through unchanged; anything else is prefixed with the child's name. */
function pipeLines(stream: NodeJS.ReadableStream, to: NodeJS.WriteStream, name: string): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
    to.write(line.startsWith('{') ? `${line}\n` : `[${name}] ${line}\n`);
  });
}

function start(s: Supervised): void {
  const path = `${ROOT}${s.spec.file}`;
  // detached: the terminal's Ctrl-C reaches only the launcher, which then stops children in order.
  const proc = spawn(process.execPath, ['--import', 'tsx', path], {
    cwd: ROOT, env: { ...process.env, ...s.spec.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  s.proc = proc;
  pipeLines(proc.stdout!, process.stdout, s.spec.name);
  pipeLines(proc.stderr!, process.stderr, s.spec.name);
  log.info({ child: s.spec.name, childPid: proc.pid, file: s.spec.file, env: s.spec.env }, 'started child');
  s.exited = new Promise((resolve) => {
    proc.once('error', (err) => log.error({ child: s.spec.name, err }, 'could not spawn child'));
    proc.once('close', (code, signal) => {
      resolve();
      if (shuttingDown) return;
      log.error({ child: s.spec.name, childPid: proc.pid, code, signal }, 'child died unexpectedly');
      scheduleRestart(s);
    });
  });
}

function scheduleRestart(s: Supervised): void {
  const now = Date.now();
  s.restarts = s.restarts.filter((t) => now - t < 60_000);
  if (s.restarts.length >= MAX_RESTARTS_PER_MINUTE) {
    log.error({ child: s.spec.name, restarts: s.restarts.length }, `child restarted ${MAX_RESTARTS_PER_MINUTE} times in a minute: giving up on it`);
    return;
  }
  const delay = backoffDelay(s.restarts.length + 1, 500, 10_000);
  s.restarts.push(now);
  log.warn({ child: s.spec.name, delayMs: delay, attempt: s.restarts.length }, 'restarting child');
  setTimeout(() => { if (!shuttingDown) start(s); }, delay);
}

function alive(s: Supervised): boolean {
  return !!s.proc && s.proc.exitCode === null && s.proc.signalCode === null;
}

/** SIGTERM every child, SIGKILL whoever is left after the grace period, then stop services. */
async function shutdown(reason: string, code = 0): Promise<never> {
  shuttingDown = true;
  log.info({ reason }, 'shutting down');
  const running = children.filter(alive);
  for (const s of running) s.proc!.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const s of running.filter(alive)) {
      log.warn({ child: s.spec.name, childPid: s.proc!.pid }, `no exit within ${SHUTDOWN_GRACE_MS} ms: SIGKILL`);
      s.proc!.kill('SIGKILL');
    }
  }, SHUTDOWN_GRACE_MS);
  await Promise.all(running.map((s) => s.exited));
  clearTimeout(timer);
  try {
    await services?.stop();
  } catch (err) {
    log.error({ err }, 'stopping services failed');
  }
  log.info('stopped');
  process.exit(code);
}

async function runMigrations(databaseUrl: string): Promise<void> {
  const file = `${ROOT}db/migrate.ts`;
  if (!existsSync(file)) {
    log.warn({ file }, 'no db/migrate.ts: skipping migrations');
    return;
  }
  const mod = (await import(pathToFileURL(file).href)) as { migrate?: (url: string) => Promise<unknown> };
  if (typeof mod.migrate !== 'function') {
    log.warn({ file }, 'db/migrate.ts exports no migrate(databaseUrl): skipping migrations');
    return;
  }
  await mod.migrate(databaseUrl);
  log.info('migrations applied');
}

let stopping = false;

async function main(): Promise<void> {
  let firstSignalAt = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopping) {
      // One Ctrl-C under `npm start` arrives 2-3 times (terminal group, npm and tsx relay it), so
      // only a signal well after the first means "a second Ctrl-C: do not wait any longer".
      if (Date.now() - firstSignalAt < 2_000) return;
      log.warn({ signal: sig }, 'second signal: killing children now');
      for (const s of children.filter(alive)) s.proc!.kill('SIGKILL');
      return;
    }
    stopping = true;
    firstSignalAt = Date.now();
    void shutdown(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Last resort if the launcher itself crashes: leave no orphaned child behind.
  process.on('exit', () => { for (const s of children.filter(alive)) s.proc!.kill('SIGKILL'); });

  services = await ensureServices(cfg, log);
  if (stopping) return;
  await runMigrations(cfg.databaseUrl);
  const specs = childSpecs(cfg);
  const missing = [...new Set(specs.map((s) => s.file))].filter((f) => !existsSync(`${ROOT}${f}`));
  if (missing.length > 0) throw new Error(`entry point(s) missing: ${missing.join(', ')}`);
  for (const spec of specs) {
    const s: Supervised = { spec, restarts: [] };
    children.push(s);
    start(s);
  }
  log.info({ actorNodes: cfg.actorNodes, gateways: cfg.gateways, http: `http://${cfg.httpHost}:${cfg.httpPort}` }, 'TicketBottle is starting');
}

main().catch(async (err: unknown) => {
  log.fatal({ err }, 'launcher failed');
  if (stopping) return;
  stopping = true;
  await shutdown('start-up failed', 1); // stops the services it had started
});
