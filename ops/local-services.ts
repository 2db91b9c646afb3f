/**
 * @module ops/local-services
 * Makes sure the backing services of `npm start` answer: NATS with JetStream and PostgreSQL with
 * the configured database. It uses what already runs and starts private ones under `dataDir` only
 * when nothing answers. Invariant: `stop()` stops exactly what this module started, never a
 * service it found running.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { natsConnectOptions, splitNatsUrl, type Config } from '../config/index.js';
import { sleep } from '../platform/index.js';

/** The pino-like logger this module reports to. */
export interface ServiceLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What `ensureServices` started; `stop()` undoes only that. */
export interface LocalServices {
  stop(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** True when something accepts TCP connections on host:port within `ms`. */
function tcpAnswers(host: string, port: number, ms = 1_000): Promise<boolean> {
  return new Promise((res) => {
    const s = tcpConnect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      res(ok);
    };
    s.setTimeout(ms, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** NATS answers and JetStream is enabled for our account. */
async function natsAnswers(cfg: Config): Promise<boolean> {
  try {
    const nc = await connect({ ...natsConnectOptions(cfg, 'tb-launcher-probe'), timeout: 2_000, reconnect: false });
    try {
      await (await jetstreamManager(nc)).getAccountInfo();
      return true;
    } finally {
      await nc.close();
    }
  } catch {
    return false;
  }
}

async function waitFor(what: string, ms: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await sleep(200);
  }
  throw new Error(`${what} did not answer within ${ms} ms`);
}

async function ensureNats(cfg: Config, log: ServiceLog): Promise<(() => Promise<void>) | undefined> {
  const { servers } = splitNatsUrl(cfg.natsUrl);
  const first = new URL(servers[0] ?? 'nats://127.0.0.1:4222');
  const host = first.hostname;
  const port = Number(first.port || 4222);
  if (await natsAnswers(cfg)) {
    log.info({ natsUrl: cfg.natsUrl }, 'using running NATS (JetStream enabled)');
    return undefined;
  }
  if (await tcpAnswers(host, port)) {
    throw new Error(`something answers on ${host}:${port} but not as NATS with JetStream; start nats-server with -js`);
  }
  if (!LOOPBACK.has(host)) throw new Error(`NATS at ${cfg.natsUrl} does not answer and is not local: cannot start it`);
  const storeDir = resolve(cfg.dataDir, 'nats');
  mkdirSync(storeDir, { recursive: true });
  const logFile = join(storeDir, 'nats-server.log');
  // detached: a Ctrl-C at the terminal reaches the launcher only, which stops NATS last.
  const child: ChildProcess = spawn('nats-server', ['-a', host, '-p', String(port), '-js', '-sd', storeDir, '-l', logFile], {
    stdio: 'ignore',
    detached: true,
  });
  const exited = new Promise<void>((r) => {
    child.once('exit', () => r());
    child.once('error', () => r());
  });
  const killOnExit = () => {
    try {
      child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  };
  process.on('exit', killOnExit);
  log.info({ pid: child.pid, port, storeDir, logFile }, 'no NATS answered: started a private nats-server -js');
  await waitFor(`private nats-server on ${host}:${port} (log: ${logFile})`, 15_000, () =>
    natsAnswers({ ...cfg, natsUrl: `nats://${host}:${port}`, natsUser: '', natsPassword: '' }),
  );
  return async () => {
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(t);
    process.off('exit', killOnExit);
    log.info({ pid: child.pid }, 'stopped private nats-server');
  };
}

/** Directory holding initdb / pg_ctl / psql / pg_isready. */
export function pgBinDir(): string {
  const r = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = r.status === 0 ? r.stdout.trim() : '';
  if (dir && existsSync(join(dir, 'pg_ctl'))) return dir;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('PostgreSQL binaries not found (no pg_config, nothing in /usr/lib/postgresql/*/bin)');
  return join(base, versions[0], 'bin');
}

/** Run a PG binary, as the `postgres` OS user when we are root (initdb and postgres refuse root). */
function pgRun(bin: string, args: string[], env: Record<string, string> = {}) {
  const asRoot = process.getuid?.() === 0;
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return spawnSync(cmd, argv, { encoding: 'utf8', env: { ...process.env, ...env } });
}

async function ensurePostgres(cfg: Config, log: ServiceLog): Promise<(() => Promise<void>) | undefined> {
  const url = new URL(cfg.databaseUrl);
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 5432);
  const user = decodeURIComponent(url.username || 'postgres');
  const database = decodeURIComponent(url.pathname.replace(/^\//, '') || 'postgres');
  const bin = pgBinDir();
  const ready = () => spawnSync(join(bin, 'pg_isready'), ['-q', '-h', host, '-p', String(port)]).status === 0;
  let stop: (() => Promise<void>) | undefined;
  if (ready()) {
    log.info({ host, port }, 'using running PostgreSQL');
  } else {
    if (!LOOPBACK.has(host)) throw new Error(`PostgreSQL at ${host}:${port} does not answer and is not local: cannot start it`);
    const dataDir = resolve(cfg.dataDir, 'pg');
    // Inside the data dir: the one place the postgres OS user surely may write.
    const logFile = join(dataDir, 'postgres.log');
    mkdirSync(resolve(cfg.dataDir), { recursive: true }); // 0755: the postgres user must traverse it
    if (!existsSync(dataDir)) mkdirSync(dataDir, { mode: 0o700 });
    if (process.getuid?.() === 0) {
      const { uid, gid } = pgUser();
      chownSync(dataDir, uid, gid);
    }
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      const r = pgRun(join(bin, 'initdb'), ['-D', dataDir, '-U', user, '--auth=trust', '-E', 'UTF8']);
      if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr || r.stdout}`);
      log.info({ dataDir }, 'initialised a private PostgreSQL cluster');
    }
    const opts = `-p ${port} -h ${host === 'localhost' ? '127.0.0.1' : host} -k ${tmpdir()}`;
    const r = pgRun(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', logFile, '-o', opts, '-w', '-t', '30', 'start']);
    if (r.status !== 0) throw new Error(`pg_ctl start failed (log: ${logFile}): ${r.stderr || r.stdout}`);
    await waitFor(`private PostgreSQL on ${host}:${port}`, 15_000, async () => ready());
    log.info({ dataDir, port, logFile }, 'no PostgreSQL answered: started a private one');
    const stopSync = () => pgRun(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', 'stop']);
    const onExit = () => {
      stopSync();
    };
    process.on('exit', onExit);
    stop = async () => {
      process.off('exit', onExit);
      const s = stopSync();
      if (s.status === 0) log.info({ dataDir }, 'stopped private PostgreSQL');
      else log.warn({ dataDir, err: s.stderr }, 'pg_ctl stop failed');
    };
  }
  createDatabase(bin, host, port, user, url.password, database, log);
  return stop;
}

function pgUser(): { uid: number; gid: number } {
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('running as root but there is no "postgres" OS user to run PostgreSQL as');
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** CREATE DATABASE, treating "already exists" as success. */
function createDatabase(bin: string, host: string, port: number, user: string, password: string, database: string, log: ServiceLog): void {
  const sql = `CREATE DATABASE "${database.replace(/"/g, '""')}"`;
  const r = spawnSync(
    join(bin, 'psql'),
    ['-h', host, '-p', String(port), '-U', user, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql],
    {
      encoding: 'utf8',
      env: { ...process.env, ...(password ? { PGPASSWORD: decodeURIComponent(password) } : {}) },
    },
  );
  if (r.status === 0) log.info({ database }, 'created database');
  else if (/already exists/.test(r.stderr)) log.info({ database }, 'database exists');
  else throw new Error(`could not create database ${database}: ${r.stderr.trim()}`);
}

/**
 * Ensure NATS (with JetStream) answers at `cfg.natsUrl` and PostgreSQL at `cfg.databaseUrl`,
 * starting private local ones under `cfg.dataDir` when nothing answers, and create the database
 * named in the URL if missing. Throws when a service is remote and down, or cannot be started.
 */
export async function ensureServices(cfg: Config, log: ServiceLog): Promise<LocalServices> {
  const stopNats = await ensureNats(cfg, log);
  let stopPg: (() => Promise<void>) | undefined;
  try {
    stopPg = await ensurePostgres(cfg, log);
  } catch (e) {
    await stopNats?.();
    throw e;
  }
  return {
    async stop() {
      await stopPg?.();
      await stopNats?.();
    },
  };
}
