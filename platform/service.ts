/**
 * @module platform/service
 * The life of every TicketBottle process, written once: `runService` loads and checks the
 * config (production mode refuses default secrets), makes the logger of the one log schema,
 * migrates PostgreSQL when the process needs it (retrying while it comes up), connects to NATS
 * with the shared options, makes the metrics registry, starts the process's own parts, serves
 * `/healthz`, `/readyz` and `/metrics` on the kind's fixed admin port, logs one "ready" line,
 * and on SIGTERM/SIGINT stops the parts, the listener and the connection in that order
 * (exit 0; exit 1 when stopping fails or takes over 20 s). A failure to start logs one fatal
 * line and exits 1.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { configWarnings, loadConfig, refuseUnsafeStart, type Config } from '../config/index.js';
import { TbError } from '../contracts/index.js';
import { createDb, migrate, type DbHandle } from '../db/index.js';
import { serveAdmin, type AdminHttp } from './admin-http.js';
import { createLogger } from './log.js';
import { createRegistry } from './metrics.js';
import { connectNats } from './nats.js';
import { adminPortOf, type ServiceKind } from './ports.js';
import { retry } from './retry.js';

/** What a process's `start` receives. */
export interface ServiceContext {
  kind: ServiceKind;
  config: Config;
  log: Logger;
  nc: NatsConnection;
  registry: Registry;
  /** The port the admin listener will take (`TB_ADMIN_PORT`, else the kind's fixed port). */
  adminPort: number;
  /** The PostgreSQL pool, when the spec asked for `database` (closed by `runService` after `stop`). */
  db: DbHandle | undefined;
}

/** A started process: how to stop it, and (optionally) how ready it is. */
export interface StartedService {
  stop(): Promise<void>;
  ready?: () => { ready: boolean; detail?: Record<string, unknown> };
  /** Fields added to the ready line (e.g. the gateway's URL). */
  readyFields?: Record<string, unknown>;
}

export interface ServiceSpec {
  kind: ServiceKind;
  /** Migrate PostgreSQL (retrying while it comes up) and open a pool of `max` connections as `ctx.db`. */
  database?: { max: number };
  /** Serve the admin listener here (default true); false when the process serves its own (gateway, actor node). */
  admin?: boolean;
  /** The environment to read (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Config fields fixed by the caller (tests). */
  overrides?: Partial<Config>;
  start(ctx: ServiceContext): Promise<StartedService>;
}

/** A running service, for callers that stop it themselves (tests). */
export interface RunningService {
  ctx: ServiceContext;
  admin: AdminHttp | undefined;
  stop(): Promise<void>;
}

/**
 * Run process `spec` until SIGTERM/SIGINT. Resolves once it is ready; a start-up failure is
 * logged as one fatal line and exits 1.
 */
export async function runService(spec: ServiceSpec): Promise<RunningService> {
  const config = loadConfig(spec.env ?? process.env, spec.overrides);
  refuseUnsafeStart(config, spec.kind);
  const log = createLogger(spec.kind, { level: config.logLevel, instance: config.instance });
  for (const w of configWarnings) log.warn({ setting: w.split(' ')[0] }, w);
  try {
    const running = await startService(spec, config, log);
    onSignals(log, running.stop);
    return running;
  } catch (err) {
    log.fatal({ err }, `${spec.kind} failed to start`);
    process.exit(1);
  }
}

async function startService(spec: ServiceSpec, config: Config, log: Logger): Promise<RunningService> {
  if (spec.database) await migrateWithRetry(config.databaseUrl, log);
  const db = spec.database ? createDb(config.databaseUrl, { max: spec.database.max }) : undefined;
  const nc = await connectNats(config, `tb-${spec.kind}-${process.pid}`);
  const ctx: ServiceContext = {
    kind: spec.kind,
    config,
    log,
    nc,
    registry: createRegistry(),
    adminPort: adminPortOf(spec.kind, config),
    db,
  };
  const started = await spec.start(ctx);
  const admin =
    spec.admin === false
      ? undefined
      : await serveAdmin(ctx.adminPort, config.adminHost, { registry: ctx.registry, ...(started.ready ? { ready: started.ready } : {}) });
  log.info({ ...(admin ? { admin: admin.url } : {}), ...started.readyFields }, `${spec.kind} ready`);
  return {
    ctx,
    admin,
    async stop() {
      await started.stop();
      await admin?.close();
      await nc.drain().catch(() => undefined);
      await db?.close();
    },
  };
}

/** Migrate `url`, retrying what is retryable for about a minute (PostgreSQL may start after us). */
export async function migrateWithRetry(url: string, log: Logger): Promise<void> {
  let said = false;
  await retry(() => migrate(url), {
    attempts: 60,
    firstDelayMs: 250,
    maxDelayMs: 2_000,
    retryIf: (err) => TbError.is(err) && err.retryable,
    onRetry: (err) => {
      if (!said) log.info({ reason: err instanceof Error ? err.message : String(err) }, 'database not ready yet; waiting');
      said = true;
    },
  });
}

/**
 * Retry `start` until the `TB_EVENTS` stream exists (the actor nodes create it; a consumer
 * process started first waits instead of failing), saying so once, without a stack trace.
 */
export async function waitForEvents<T>(log: Logger, start: () => Promise<T>): Promise<T> {
  let said = false;
  return retry(start, {
    attempts: Infinity,
    firstDelayMs: 250,
    maxDelayMs: 2_000,
    onRetry: (err) => {
      if (!said) log.info({ reason: err instanceof Error ? err.message : String(err) }, 'waiting for the TB_EVENTS stream');
      said = true;
    },
  });
}

/** Run `stop` once on SIGTERM/SIGINT, then exit 0 (1 if it fails or takes over 20 s). */
export function onSignals(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took over 20 s; exiting');
      process.exit(1);
    }, 20_000);
    stop().then(
      () => {
        clearTimeout(force);
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}
