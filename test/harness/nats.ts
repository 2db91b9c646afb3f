/**
 * @module test/harness/nats
 * The one place tests and benchmarks start their own nats-server processes (single servers and
 * 3-node JetStream clusters started from the repo's `nats.conf`), like nats.js `nst/`.
 * Invariant: every server started here is reachable before the call returns, and is killed when
 * the test process exits, even after a crash, so no stray server outlives its test.
 * Clusters run the shipped `nats.conf` with its users: each cluster gets fresh random passwords,
 * and its `url` carries the `actor` user's credentials (`nats://actor:<pw>@…`, which every
 * TicketBottle process and `splitNatsUrl` understand), so tests act as the trusted actor nodes
 * unless they pick another user with `urlFor`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A running (or stopped, then restartable) nats-server started by this harness. */
export interface NatsServerHandle {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** HTTP monitoring port (`/varz`, `/healthz`, `/jsz`). */
  readonly monitorPort: number;
  /** PID of the current process (changes after `restart()`). */
  readonly pid: number;
  /** JetStream store directory; survives `kill()` and `restart()`, removed by `stop()`. */
  readonly storeDir: string;
  /** Graceful stop: SIGTERM, SIGKILL after 3 s, then remove the store dir. Idempotent. */
  stop(): Promise<void>;
  /** Send a signal (default SIGKILL: a crash) and wait for the process to exit. Keeps the store. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Start again on the same ports and store dir (killing the current process first if alive). */
  restart(): Promise<void>;
  /** The last `n` lines the server logged (for failure messages). */
  logTail(n?: number): string;
}

/** A JetStream cluster on 127.0.0.1 started from the repo's `nats.conf`. */
export interface NatsClusterHandle {
  readonly servers: NatsServerHandle[];
  /** Client URL of every node, in node order. */
  readonly urls: string[];
  /** All client URLs comma-joined (the form `TB_NATS_URL` takes), with the `actor` user's credentials. */
  readonly url: string;
  /** The password of each `nats.conf` user in this cluster. */
  readonly passwords: Readonly<Record<NatsUser, string>>;
  /** All client URLs comma-joined with `user`'s credentials (`nats://user:pw@…`). */
  urlFor(user: NatsUser): string;
  /** Crash node `i` (SIGKILL by default); its store is kept for `restart(i)`. */
  kill(i: number, signal?: NodeJS.Signals): Promise<void>;
  /** Restart node `i` on its old ports and store; resolves when it answers again. */
  restart(i: number): Promise<void>;
  /** Stop every node and remove all store dirs. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;
const LOG_LINES = 200;
/** The repo's cluster config; the cluster tests exercise exactly this file. */
export const NATS_CONF = fileURLToPath(new URL('../../nats.conf', import.meta.url));

/** The users `nats.conf` defines (README "Deploying safely"); each password comes from `TB_NATS_<USER>_PASSWORD`. */
export const NATS_USERS = [
  'actor',
  'gateway',
  'saga',
  'payments',
  'history',
  'relay',
  'catalog',
  'watcher',
  'tickets',
  'operator',
] as const;
export type NatsUser = (typeof NATS_USERS)[number];

/**
 * True when a `nats-server` binary is on the PATH; tests skip with a stated reason otherwise,
 * except under CI (`CI` set), where a missing binary throws: CI must fail, not skip silently.
 */
export function hasNatsServer(): boolean {
  if (findNatsServer()) return true;
  if (process.env.CI) throw new Error('CI needs nats-server on the PATH');
  return false;
}

function findNatsServer(): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, 'nats-server'), constants.X_OK);
      return true;
    } catch {
      /* not in this dir */
    }
  }
  return false;
}

/** Reserve `n` distinct free TCP ports on 127.0.0.1 (held together, then released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<import('node:net').Server>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

// --- crash safety: every live child is SIGKILLed and its store removed when this process exits.
const live = new Map<number, ChildProcess>();
const dirs = new Set<string>();
process.on('exit', () => {
  for (const pid of live.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  for (const d of dirs) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
});

interface Spec {
  args: string[];
  env: Record<string, string>;
  port: number;
  monitorPort: number;
  storeDir: string;
  jetstream: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** @internal Start one process from `spec` and return a handle that can restart it. */
async function launch(spec: Spec): Promise<NatsServerHandle> {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const log: string[] = [];
  const tail = (n = 30) => log.slice(-n).join('\n');

  const start = async () => {
    const c = spawn('nats-server', spec.args, { env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
    child = c;
    let partial = '';
    const onData = (b: Buffer) => {
      const lines = (partial + b.toString()).split('\n');
      partial = lines.pop() ?? '';
      log.push(...lines);
      if (log.length > LOG_LINES) log.splice(0, log.length - LOG_LINES);
    };
    c.stdout!.on('data', onData);
    c.stderr!.on('data', onData);
    let dead = false;
    exited = new Promise<void>((resolve) => {
      const done = () => {
        dead = true;
        if (c.pid) live.delete(c.pid);
        resolve();
      };
      c.once('exit', done);
      // A spawn failure (ENOENT) emits 'error' and maybe never 'exit'.
      c.once('error', (e) => {
        log.push(`spawn error: ${e.message}`);
        done();
      });
    });
    if (c.pid) live.set(c.pid, c);
    const probe = `http://127.0.0.1:${spec.monitorPort}/${spec.jetstream ? 'healthz?js-enabled-only=true' : 'varz'}`;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (dead) break;
      if (await httpOk(probe)) return;
      await sleep(50);
    }
    c.kill('SIGKILL');
    await exited;
    throw new Error(
      `nats-server on port ${spec.port} ${dead ? 'exited' : `did not answer ${probe} within ${READY_TIMEOUT_MS} ms`}; log tail:\n${tail()}`,
    );
  };

  const signal = async (sig: NodeJS.Signals) => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };

  const handle: NatsServerHandle = {
    url: `nats://127.0.0.1:${spec.port}`,
    port: spec.port,
    monitorPort: spec.monitorPort,
    get pid() {
      return child?.pid ?? -1;
    },
    storeDir: spec.storeDir,
    async stop() {
      const grace = setTimeout(() => child?.kill('SIGKILL'), STOP_GRACE_MS);
      await signal('SIGTERM');
      clearTimeout(grace);
      rmSync(spec.storeDir, { recursive: true, force: true });
      dirs.delete(spec.storeDir);
    },
    kill: (sig: NodeJS.Signals = 'SIGKILL') => signal(sig),
    async restart() {
      await signal('SIGKILL');
      await start();
    },
    logTail: tail,
  };
  await start();
  return handle;
}

/**
 * Start one nats-server on free ports with a fresh temp store dir (JetStream on by default).
 * Resolves once `/healthz?js-enabled-only=true` (or `/varz` without JetStream) answers; rejects
 * after 10 s, or as soon as the server exits, with the server's log tail in the message.
 */
export async function startNatsServer(opts: { jetstream?: boolean; args?: string[] } = {}): Promise<NatsServerHandle> {
  const jetstream = opts.jetstream ?? true;
  const [port, monitorPort] = (await freePorts(2)) as [number, number];
  const storeDir = mkdtempSync(join(tmpdir(), 'tb-nats-'));
  dirs.add(storeDir);
  const args = [
    '-a',
    '127.0.0.1',
    '-p',
    String(port),
    '-m',
    String(monitorPort),
    ...(jetstream ? ['-js', '-sd', storeDir] : []),
    ...(opts.args ?? []),
  ];
  return launch({ args, env: {}, port, monitorPort, storeDir, jetstream });
}

/** Poll every node's `/jsz` until one reports a JetStream meta leader. */
async function waitForMetaLeader(servers: NatsServerHandle[], timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const s of servers) {
      try {
        const res = await fetch(`http://127.0.0.1:${s.monitorPort}/jsz`, { signal: AbortSignal.timeout(1_000) });
        const body = (await res.json()) as { meta_cluster?: { leader?: string } };
        if (body.meta_cluster?.leader) return body.meta_cluster.leader;
      } catch {
        /* node not ready or restarting */
      }
    }
    await sleep(100);
  }
  throw new Error(
    `no JetStream meta leader within ${timeoutMs} ms; logs:\n${servers.map((s, i) => `--- node ${i}\n${s.logTail(15)}`).join('\n')}`,
  );
}

/**
 * Start a `size`-node JetStream cluster on 127.0.0.1 from the repo's `nats.conf`, each node with a
 * unique server_name (`n-<i>`), its own store dir and ports, routed to all the others. Resolves when
 * every node answers and a meta leader is elected (so streams can be created at once).
 */
export async function startNatsCluster(size = 3): Promise<NatsClusterHandle> {
  if (size > 3) throw new Error('nats.conf routes name three nodes; startNatsCluster supports at most 3');
  const ports = await freePorts(size * 3);
  const root = mkdtempSync(join(tmpdir(), 'tb-nats-cluster-'));
  dirs.add(root);
  const clusterPorts = Array.from({ length: size }, (_, i) => ports[size + i]!);
  // nats.conf always names three routes; unused slots repeat this node's own route (ignored as self).
  const routes = [0, 1, 2].map((i) => `nats://127.0.0.1:${clusterPorts[Math.min(i, size - 1)]}`);
  // nats-server parses an environment value like a config value (a number, a date…): a letter first keeps it a string.
  const passwords = Object.fromEntries(NATS_USERS.map((u) => [u, `pw${randomBytes(24).toString('hex')}`])) as Record<NatsUser, string>;
  const passwordEnv = Object.fromEntries(NATS_USERS.map((u) => [`TB_NATS_${u.toUpperCase()}_PASSWORD`, passwords[u]]));
  const specs: Spec[] = Array.from({ length: size }, (_, i) => {
    const storeDir = join(root, `n-${i}`);
    mkdirSync(storeDir, { recursive: true });
    const port = ports[i]!;
    const monitorPort = ports[2 * size + i]!;
    return {
      args: ['-c', NATS_CONF],
      env: {
        TB_NATS_NAME: `n-${i}`,
        TB_NATS_HOST: '127.0.0.1',
        TB_NATS_PORT: String(port),
        TB_NATS_HTTP_PORT: String(monitorPort),
        TB_NATS_CLUSTER_PORT: String(clusterPorts[i]),
        TB_NATS_STORE: storeDir,
        TB_NATS_ROUTE_1: routes[0]!,
        TB_NATS_ROUTE_2: routes[1]!,
        TB_NATS_ROUTE_3: routes[2]!,
        ...passwordEnv,
      },
      port,
      monitorPort,
      storeDir,
      jetstream: true,
    };
  });
  const settled = await Promise.allSettled(specs.map(launch));
  const servers = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(root, { recursive: true, force: true });
    dirs.delete(root);
  };
  if (failed) {
    await stop();
    throw failed.reason;
  }
  try {
    await waitForMetaLeader(servers, READY_TIMEOUT_MS * 2);
  } catch (e) {
    await stop();
    throw e;
  }
  const node = (i: number) => {
    const s = servers[i];
    if (!s) throw new RangeError(`no node ${i} in a ${size}-node cluster`);
    return s;
  };
  const urlFor = (user: NatsUser) => servers.map((s) => `nats://${user}:${passwords[user]}@127.0.0.1:${s.port}`).join(',');
  const urls = urlFor('actor').split(',');
  return {
    servers,
    urls,
    url: urls.join(','),
    passwords,
    urlFor,
    kill: (i, sig) => node(i).kill(sig),
    restart: (i) => node(i).restart(),
    stop,
  };
}
