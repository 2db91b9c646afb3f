/**
 * @module ops/start
 * The all-in-one launcher behind `npm start` (sources, through tsx) and `node dist/ops/start.js`
 * (the compiled build): ensures NATS and PostgreSQL, runs migrations, starts `TB_ACTOR_NODES`
 * actor nodes, `TB_GATEWAYS` gateways and the workers through the composition root
 * (`app/stack.ts`, in the form this file runs in), creates the demo event in development, and
 * prints one "ready" line naming the URLs. Each process's full log goes to `<dataDir>/logs/` (config/tuning.ts, default `.data`);
 * the console shows the launcher's steps and the processes' warnings and errors.
 * Invariants: a process that cannot start stops the whole launcher with a message naming it and
 * exit code 1; after the start, a process that dies is restarted (at most 5 times a minute, with
 * backoff), and one that keeps dying stops the launcher the same way; on SIGINT/SIGTERM every
 * process gets SIGTERM and up to 15 s before SIGKILL, and only the services this launcher
 * started are stopped.
 */
import { mkdirSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { loadConfig, natsConnectOptions, refuseUnsafeStart, type Config } from '../config/index.js';
import { createActorClient, createActors } from '../actors/client/index.js';
import { migrate } from '../db/index.js';
import { backoffDelay } from '../platform/index.js';
import { seedDemo, DEMO } from '../app/index.js';
import { OWN_FORM } from '../app/index.js';
import { ServiceStartError, startProcessStack, type ProcessStack } from '../app/index.js';
import { ensureServices, type LocalServices, type ServiceLog } from './local-services.js';

const MAX_RESTARTS_PER_MINUTE = 5;
const SHUTDOWN_GRACE_MS = 15_000;
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

const cfg = loadConfig(process.env);
refuseUnsafeStart(cfg, 'launcher');
/** Every line of every process passes through unchanged (TB_LOG_LEVEL=debug or trace). */
const verbose = cfg.logLevel === 'debug' || cfg.logLevel === 'trace';
const logDir = resolve(cfg.dataDir, 'logs');

/** `path` relative to the working directory when it lies below it, else absolute. */
const shown = (path: string) => {
  const r = relative(process.cwd(), path);
  return r && !r.startsWith('..') ? r : path;
};
const say = (line: string) => process.stdout.write(`${line}\n`);
const complain = (line: string) => process.stderr.write(`${line}\n`);

/** What `ensureServices` reports, one short line per step. */
const facts = (obj: object) => {
  const kv = Object.entries(obj)
    .filter(([, v]) => ['string', 'number'].includes(typeof v))
    .map(([k, v]) => `${k} ${String(v)}`);
  return kv.length > 0 ? ` (${kv.join(', ')})` : '';
};
const serviceLog: ServiceLog = {
  info: (obj, msg) => say(`  ${msg ?? ''}${facts(obj)}`),
  warn: (obj, msg) => complain(`  warning: ${msg ?? ''}${facts(obj)}`),
  error: (obj, msg) => complain(`  error: ${msg ?? ''}${facts(obj)}`),
};

/** A process's log line as the console shows it: `[gateway-0] WARN message (error message)`, or nothing. */
function consoleLine(name: string, line: string, all = verbose): string | undefined {
  if (all) return `[${name}] ${line}`;
  if (!line.startsWith('{')) return undefined; // stack traces and the like: in the log file
  try {
    const o = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string; type?: string } };
    if ((o.level ?? 0) < 40) return undefined;
    const err = o.err?.message ? ` (${o.err.type ? `${o.err.type}: ` : ''}${o.err.message.split('\n')[0]})` : '';
    return `[${name}] ${LEVELS[o.level ?? 0] ?? o.level} ${o.msg ?? ''}${err}`;
  } catch {
    return undefined;
  }
}

/** The last JSON log messages of a failed process, readable. */
function lastWords(tail: string): string[] {
  const out: string[] = [];
  for (const line of tail.split('\n')) {
    if (!line.trim()) continue;
    const shown = consoleLine('', line, false);
    if (shown) out.push(shown.replace(/^\[\] /, ''));
    else if (!line.startsWith('{') && !/^\s+at /.test(line)) out.push(line.trim());
  }
  return out.slice(-6);
}

let shuttingDown = false;
let services: LocalServices | undefined;
let stack: ProcessStack | undefined;

/** Stop every process, then the services this launcher started, and exit with `code`. */
async function shutdown(reason: string, code = 0): Promise<never> {
  shuttingDown = true;
  say(`TicketBottle: stopping (${reason})`);
  await stack?.stop(SHUTDOWN_GRACE_MS);
  try {
    await services?.stop();
  } catch (err) {
    complain(`  stopping the local services failed: ${(err as Error).message}`);
  }
  say('TicketBottle: stopped');
  process.exit(code);
}

/** Stop everything because `part` cannot run, saying why. */
async function giveUp(what: string, detail: string[], logFile?: string): Promise<never> {
  complain(`TicketBottle cannot start: ${what}`);
  for (const l of detail) complain(`  ${l}`);
  if (logFile) complain(`  full log: ${shown(logFile)}`);
  return shutdown('a part could not start', 1);
}

/** Restart `name` whenever it dies, at most MAX_RESTARTS_PER_MINUTE times a minute. */
function supervise(s: ProcessStack, name: string): void {
  const restarts: number[] = [];
  const watch = () => {
    const child = s.procs.get(name)!;
    void child.exited.then(async (code) => {
      if (shuttingDown) return;
      const now = Date.now();
      restarts.splice(0, restarts.length, ...restarts.filter((t) => now - t < 60_000));
      if (restarts.length >= MAX_RESTARTS_PER_MINUTE) {
        await giveUp(`${name} died ${MAX_RESTARTS_PER_MINUTE + 1} times within a minute`, lastWords(child.logTail(40)), child.logFile);
        return;
      }
      const delay = backoffDelay(restarts.length + 1, 500, 10_000);
      restarts.push(now);
      complain(`[${name}] exited (code ${code}); restarting in ${delay} ms`);
      setTimeout(() => {
        if (shuttingDown) return;
        s.spawn(name);
        watch();
      }, delay);
    });
  };
  watch();
}

function urlOf(c: Config, port = c.httpPort): string {
  const host = c.httpHost === '0.0.0.0' || c.httpHost === '::' ? '127.0.0.1' : c.httpHost;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

async function main(): Promise<void> {
  let firstSignalAt = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (shuttingDown) {
      // One Ctrl-C under `npm start` arrives 2-3 times (terminal group, npm and tsx relay it), so
      // only a signal well after the first means "a second Ctrl-C: do not wait any longer".
      if (Date.now() - firstSignalAt < 2_000) return;
      complain('second signal: killing every process now');
      for (const p of stack?.procs.values() ?? []) p.kill('SIGKILL');
      return;
    }
    firstSignalAt = Date.now();
    void shutdown(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  say(`TicketBottle: starting (${OWN_FORM === 'compiled' ? 'compiled build' : 'sources'}, ${cfg.deployEnv} mode)`);
  services = await ensureServices(cfg, serviceLog);
  if (shuttingDown) return;
  await migrate(cfg.databaseUrl);
  say('  migrations applied');
  mkdirSync(logDir, { recursive: true });
  const gateways = Array.from({ length: cfg.gateways }, (_, i) => ({
    name: `gateway-${i}`,
    env: cfg.gateways > 1 ? { TB_HTTP_PORT: String(cfg.httpPort + i) } : ({} as Record<string, string>),
  }));
  // Admin ports are fixed per kind; the stack gives the n-th node and gateway TB_INSTANCE=n
  // (port + 10 × n, docs/observability.md), so several on one host never collide. A specific
  // TB_ADMIN_PORT given to the launcher is the first gateway's (startProcessStack's rule).
  say(`  starting ${cfg.actorNodes} actor node(s), ${cfg.gateways} gateway(s) and the workers (logs: ${shown(logDir)})`);
  try {
    stack = await startProcessStack({
      env: {},
      actorNodes: cfg.actorNodes,
      gateways,
      logDir,
      detached: true,
      onLine: (name, line) => {
        const shown = consoleLine(name, line);
        if (shown) complain(shown);
      },
    });
  } catch (err) {
    if (err instanceof ServiceStartError) return void (await giveUp(err.message, lastWords(err.tail), err.logFile));
    throw err;
  }
  if (shuttingDown) return;
  for (const name of stack.procs.keys()) supervise(stack, name);
  if (cfg.deployEnv !== 'production' && process.env['TB_DEMO'] !== '0') {
    const nc = await connect({ ...natsConnectOptions(cfg, `tb-launcher-${process.pid}`), noAsyncTraces: true });
    try {
      if (await seedDemo(createActors(createActorClient(nc, { partitions: cfg.partitions }))))
        say(`  created the demo event "${DEMO.eventId}" with ticket class "${DEMO.classId}"`);
    } finally {
      await nc.close();
    }
  }
  const url = urlOf(cfg);
  const more = cfg.gateways > 1 ? ` (and ${cfg.gateways - 1} more gateway(s) up to port ${cfg.httpPort + cfg.gateways - 1})` : '';
  say(`TicketBottle is ready at ${url}/${more} — pages ${url}/, API docs ${url}/api/docs; Ctrl-C stops it`);
}

main().catch(async (err: unknown) => {
  complain(`TicketBottle cannot start: ${err instanceof Error ? err.message : String(err)}`);
  if (shuttingDown) return;
  await shutdown('start-up failed', 1); // stops the services it had started
});
