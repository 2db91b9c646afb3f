/**
 * @module test/harness/processes
 * Spawns the project's TypeScript entry points (actor nodes, gateways) as real child processes for
 * multi-process tests, with their output kept in a log file and watchable line by line.
 * Invariant: every child spawned here dies with the test process (SIGKILL on exit), so a crashed
 * test leaves no stray node holding leases or ports.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A project process started by `spawnTs`. */
export interface ChildHandle {
  readonly pid: number;
  readonly name: string;
  /** Where stdout and stderr are appended. */
  readonly logFile: string;
  /** Send a signal (default SIGKILL: a crash); does not wait. */
  kill(signal?: NodeJS.Signals): void;
  /** SIGTERM, wait up to 10 s, then SIGKILL; resolves to the exit code (null when killed by a signal). */
  stop(): Promise<number | null>;
  /**
   * Resolve with the first output line (stdout or stderr; our logs are pino JSON lines) matching
   * `regex`. Lines printed since the spawn count too, unless `{ includePast: false }`. Rejects after
   * `timeoutMs`, or when the child exits first, with the log tail in the message.
   */
  waitForLine(regex: RegExp, timeoutMs?: number, opts?: { includePast?: boolean }): Promise<string>;
  /** Exit code once the child has exited (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** The last `n` output lines. */
  logTail(n?: number): string;
}

export interface SpawnTsOptions {
  /** Merged over `process.env`. */
  env?: Record<string, string>;
  /** Label used in log file names and error messages. */
  name: string;
  /** Default: `<tmpdir>/tb-<name>-<time>.log`. */
  logFile?: string;
}

/** The repository root: children run there so `--import tsx` and relative paths resolve. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KEEP_LINES = 2_000;
const STOP_GRACE_MS = 10_000;

const live = new Set<number>();
process.on('exit', () => {
  for (const pid of live) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
});

/** The extra node flags of `TB_CHILD_NODE_ARGS` (space-separated; none when unset). */
export function childNodeArgs(): string[] {
  return process.env['TB_CHILD_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
}

/**
 * Run `node --import tsx <file>` (relative paths are taken from the repo root) with `opts.env`
 * merged over `process.env`. The child is not detached, and is SIGKILLed if this process exits.
 * `TB_CHILD_NODE_ARGS` adds node flags to every child, for profiling a whole stack:
 * `TB_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run rehearse` (NODE_OPTIONS refuses --cpu-prof).
 */
export function spawnTs(file: string, opts: SpawnTsOptions): ChildHandle {
  const path = isAbsolute(file) ? file : resolve(REPO_ROOT, file);
  const logFile = opts.logFile ?? join(tmpdir(), `tb-${opts.name}-${Date.now()}.log`);
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [...childNodeArgs(), '--import', 'tsx', path], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: false,
  });
  const pid = child.pid ?? -1;
  if (pid > 0) live.add(pid);

  const lines: string[] = [];
  let seen = 0; // total lines ever seen; lines[] holds the last KEEP_LINES of them
  const watchers = new Set<(line: string) => void>();
  const feed = () => {
    let partial = '';
    return (b: Buffer) => {
      out.write(b);
      const parts = (partial + b.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        seen++;
        for (const w of watchers) w(line);
      }
      if (lines.length > KEEP_LINES) lines.splice(0, lines.length - KEEP_LINES);
    };
  };
  child.stdout!.on('data', feed());
  child.stderr!.on('data', feed());

  let done = false;
  const exited = new Promise<number | null>((res) => {
    const finish = (code: number | null) => {
      if (done) return;
      done = true;
      live.delete(pid);
      out.end();
      res(code);
    };
    // 'close' (not 'exit'): fires after the last output line has been read.
    child.once('close', (code) => finish(code));
    child.once('error', (e) => { lines.push(`spawn error: ${e.message}`); finish(null); });
  });
  const logTail = (n = 30) => lines.slice(-n).join('\n');

  return {
    pid,
    name: opts.name,
    logFile,
    exited,
    logTail,
    kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (!done) child.kill(signal);
    },
    async stop() {
      if (!done) child.kill('SIGTERM');
      const timer = setTimeout(() => { if (!done) child.kill('SIGKILL'); }, STOP_GRACE_MS);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    waitForLine(regex, timeoutMs = 10_000, { includePast = true } = {}) {
      if (includePast) {
        const hit = lines.find((l) => regex.test(l));
        if (hit !== undefined) return Promise.resolve(hit);
      }
      return new Promise<string>((res, rej) => {
        const cleanup = () => { watchers.delete(watch); clearTimeout(timer); };
        const watch = (line: string) => { if (regex.test(line)) { cleanup(); res(line); } };
        const timer = setTimeout(() => {
          cleanup();
          rej(new Error(`${opts.name}: no line matching ${regex} within ${timeoutMs} ms (${seen} lines seen); tail:\n${logTail()}`));
        }, timeoutMs);
        watchers.add(watch);
        void exited.then((code) => {
          if (!watchers.has(watch)) return;
          cleanup();
          rej(new Error(`${opts.name} exited (code ${code}) before printing ${regex}; tail:\n${logTail()}`));
        });
      });
    },
  };
}
