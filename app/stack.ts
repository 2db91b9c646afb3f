/**
 * @module app/stack
 * The composition root for processes: starts a TicketBottle stack (actor nodes, gateways and the
 * workers of `app/services.ts`) as child processes in one form (compiled or sources), with one
 * environment and per-process overrides. The launcher (`ops/start.ts`), the end-to-end tests
 * (`test/e2e/stack.ts`), the benchmarks and the rehearsal (`tools/rehearse/stack.ts`) all build
 * their stacks here; they differ only in options.
 * Invariants: actor nodes are up before anything else starts (they create the streams the
 * consumers bind to); a process that exits before saying it is ready fails the start with a
 * `ServiceStartError` naming it, and everything this call started is stopped again.
 */
import { join } from 'node:path';
import { ChildExitedError, spawnEntry, type ChildHandle } from './process.js';
import { OWN_FORM, type CodeForm } from './entry.js';
import { kindOf, SERVICES, WORKERS, type ServiceKind, type ServiceNatsUser } from './services.js';

/** One gateway of the stack; several may differ by their environment (a short payment deadline). */
export interface GatewaySpec {
  name: string;
  env?: Record<string, string>;
}

export interface ProcessStackOptions {
  /** Environment of every process (over this process's own). */
  env: Record<string, string>;
  /** Actor node processes, named `node-0`, `node-1`, … */
  actorNodes: number;
  /** Gateways (default: one named `gateway`). */
  gateways?: GatewaySpec[];
  /** Which workers run (default: all of `WORKERS`). */
  workers?: readonly ServiceKind[];
  /** Wait for these workers' ready lines too (default: all started). */
  awaitWorkers?: boolean;
  /** Environment per process name (`node-0`, `gateway`, `payment-relay`, …), over `env`. */
  envFor?: Record<string, Record<string, string>>;
  /** On a NATS deployment with `nats.conf` users: each process connects as its own user. */
  natsPasswords?: Partial<Record<ServiceNatsUser, string>>;
  /** Compiled JavaScript or sources (default: the form this process runs in). */
  form?: CodeForm;
  /** Where each process's log goes (`<logDir>/<name>.log`; default: the temp dir). */
  logDir?: string;
  /** Prefix of log file names and child labels (`e2e-`, `rehearse-`). */
  label?: string;
  /** Own process groups, so a terminal's Ctrl-C reaches only the caller (the launcher). */
  detached?: boolean;
  /** Every output line of every process. */
  onLine?: (name: string, line: string) => void;
  /** How long a process may take to say it is ready (default 90 s). */
  readyTimeoutMs?: number;
  progress?: (m: string) => void;
}

/** A running stack of processes. */
export interface ProcessStack {
  /** The current process of each name. */
  procs: Map<string, ChildHandle>;
  /** Start (or start again) process `name` and wait until it is ready. */
  start(name: string, extraEnv?: Record<string, string>): Promise<ChildHandle>;
  /** Start process `name` without waiting. */
  spawn(name: string, extraEnv?: Record<string, string>, label?: string): ChildHandle;
  /** The names of the actor nodes, gateways and workers, in start order. */
  readonly names: { nodes: string[]; gateways: string[]; workers: string[] };
  /** SIGTERM every process (SIGKILL after the grace), in parallel. */
  stop(graceMs?: number): Promise<void>;
}

/** A process of the stack could not start (it exited, or never said it was ready). */
export class ServiceStartError extends Error {
  constructor(
    readonly service: string,
    readonly role: string,
    readonly reason: string,
    readonly logFile: string,
    readonly tail: string,
  ) {
    super(`${service} (${role}) could not start: ${reason}`);
    this.name = 'ServiceStartError';
  }
}

/** Start the stack; resolves when every awaited process is ready. */
export async function startProcessStack(o: ProcessStackOptions): Promise<ProcessStack> {
  const progress = o.progress ?? (() => undefined);
  const form = o.form ?? OWN_FORM;
  const label = o.label ?? '';
  const gateways = o.gateways ?? [{ name: 'gateway' }];
  const workers = [...(o.workers ?? WORKERS)];
  const nodes = Array.from({ length: o.actorNodes }, (_, i) => `node-${i}`);
  const procs = new Map<string, ChildHandle>();
  const readyTimeoutMs = o.readyTimeoutMs ?? 90_000;

  const envOf = (name: string): Record<string, string> => {
    const kind = kindOf(name);
    const gateway = gateways.find((g) => g.name === name);
    // TB_INSTANCE: the n-th process of a kind on this host takes its kind's fixed admin port + 10 × n.
    const instance = kind === 'node' ? nodes.indexOf(name) : kind === 'gateway' ? gateways.findIndex((g) => g.name === name) : 0;
    const own: Record<string, string> = { TB_INSTANCE: String(Math.max(0, instance)), ...(kind === 'node' ? { TB_NODE_ID: name } : {}) };
    const password = o.natsPasswords?.[SERVICES[kind].natsUser];
    const auth: Record<string, string> = password ? { TB_NATS_USER: SERVICES[kind].natsUser, TB_NATS_PASSWORD: password } : {};
    // A specific TB_ADMIN_PORT (the stack's env, or the caller's own, which children inherit) is the
    // first gateway's; every other process then takes any free port (they would all try the one
    // port, and all but the first fail to start). 0 and -1 apply to all.
    const adminPort = Number(o.env.TB_ADMIN_PORT ?? process.env.TB_ADMIN_PORT ?? 0);
    const sharedAdmin: Record<string, string> = adminPort > 0 && name !== gateways[0]?.name ? { TB_ADMIN_PORT: '0' } : {};
    // TB_TUNING is JSON: a process's own overrides are merged into the stack's, not put in its place.
    const layers = [o.env, own, sharedAdmin, auth, gateway?.env ?? {}, o.envFor?.[name] ?? {}];
    const tuning = Object.assign({}, ...layers.map((l) => (l.TB_TUNING ? (JSON.parse(l.TB_TUNING) as object) : {})));
    return { ...Object.assign({}, ...layers), ...(Object.keys(tuning).length > 0 ? { TB_TUNING: JSON.stringify(tuning) } : {}) };
  };
  const spawn = (name: string, extraEnv: Record<string, string> = {}, childLabel = name): ChildHandle => {
    const svc = SERVICES[kindOf(name)];
    const child = spawnEntry(svc.file, {
      name: `${label}${childLabel}`,
      env: { ...envOf(name), ...extraEnv },
      form,
      ...(o.detached ? { detached: true } : {}),
      ...(o.logDir ? { logFile: join(o.logDir, `${childLabel}.log`) } : {}),
      ...(o.onLine ? { onLine: (line: string) => o.onLine!(name, line) } : {}),
    });
    procs.set(name, child);
    return child;
  };
  const ready = async (name: string, child: ChildHandle): Promise<ChildHandle> => {
    const svc = SERVICES[kindOf(name)];
    try {
      await child.waitForLine(svc.ready, readyTimeoutMs);
      return child;
    } catch (err) {
      const reason =
        err instanceof ChildExitedError ? `it exited with code ${err.code}` : `it did not say it was ready within ${readyTimeoutMs} ms`;
      throw new ServiceStartError(name, svc.role, reason, child.logFile, child.logTail(20));
    }
  };
  const start = (name: string, extraEnv: Record<string, string> = {}) => ready(name, spawn(name, extraEnv));
  const stop = async (graceMs?: number) => {
    await Promise.all([...procs.values()].map((p) => p.stop(graceMs).catch(() => null)));
  };

  try {
    progress(`starting ${nodes.length} actor node(s)`);
    // Nodes first: they create the TB_EVENTS stream the consumers bind to.
    await Promise.all(nodes.map((n) => start(n)));
    progress(`starting ${gateways.length} gateway(s) and ${workers.length} worker(s)`);
    const rest = [...gateways.map((g) => g.name), ...workers].map((n) => ({ n, child: spawn(n) }));
    const awaited = o.awaitWorkers === false ? rest.filter((r) => kindOf(r.n) === 'gateway') : rest;
    // The first failure wins; the others are stopped below.
    await Promise.all(awaited.map((r) => ready(r.n, r.child)));
  } catch (err) {
    await stop(5_000);
    throw err;
  }
  return { procs, start, spawn, stop, names: { nodes, gateways: gateways.map((g) => g.name), workers } };
}
