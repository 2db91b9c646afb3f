/**
 * @module app/process
 * Starts one entry point of the project (an actor node, a gateway, a worker) as a child process
 * in the form this code runs in (compiled JavaScript or TypeScript through tsx: `app/entry.ts`),
 * keeps its output in a log file and lets callers watch it line by line.
 * Invariant: every child started here is SIGKILLed if this process exits without stopping it, so a
 * crashed launcher or test leaves no stray node holding leases or ports.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { entryCommand, OWN_FORM, REPO_ROOT, type CodeForm } from './entry.js';

/** A project process started by `spawnEntry`. */
export interface ChildHandle {
  readonly pid: number;
  readonly name: string;
  /** Where stdout and stderr are appended. */
  readonly logFile: string;
  /** Send a signal (default SIGKILL: a crash); does not wait. */
  kill(signal?: NodeJS.Signals): void;
  /** SIGTERM, wait up to `graceMs` (10 s), then SIGKILL; resolves to the exit code (null when killed by a signal). */
  stop(graceMs?: number): Promise<number | null>;
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

export interface SpawnOptions {
  /** Merged over `process.env`. */
  env?: Record<string, string>;
  /** Label used in log file names and error messages. */
  name: string;
  /** Default: `<tmpdir>/tb-<name>-<time>.log`. */
  logFile?: string;
  /** Compiled JavaScript or TypeScript sources (default: the form this process runs in). */
  form?: CodeForm;
  /** Extra node flags (default: `TB_CHILD_NODE_ARGS`). */
  nodeArgs?: string[];
  /** Every output line, as it comes (the launcher prints some of them). */
  onLine?: (line: string) => void;
  /** Own process group, so a terminal's Ctrl-C reaches only the parent (the launcher). */
  detached?: boolean;
}

const KEEP_LINES = 2_000;
const STOP_GRACE_MS = 10_000;

const live = new Set<number>();
process.on('exit', () => {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

/** The extra node flags of `TB_CHILD_NODE_ARGS` (space-separated; none when unset). */
export function childNodeArgs(): string[] {
  return process.env['TB_CHILD_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
}

/**
 * Run entry point `file` (a source path relative to the repository root, e.g. `gateway/main.ts`,
 * or an absolute path) with `opts.env` merged over `process.env`, in the repository root.
 * `TB_CHILD_NODE_ARGS` adds node flags to every child, for profiling a whole stack:
 * `TB_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run rehearse` (NODE_OPTIONS refuses --cpu-prof).
 */
export function spawnEntry(file: string, opts: SpawnOptions): ChildHandle {
  const form = opts.form ?? OWN_FORM;
  // An absolute path is run as given (test fixtures), in the form its extension says.
  const cmd = isAbsolute(file) ? { path: file, nodeArgs: /\.[mc]?tsx?$/.test(file) ? ['--import', 'tsx'] : [] } : entryCommand(file, form);
  const logFile = opts.logFile ?? join(tmpdir(), `tb-${opts.name}-${Date.now()}.log`);
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? childNodeArgs()), ...cmd.nodeArgs, cmd.path], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
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
        opts.onLine?.(line);
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
    child.once('error', (e) => {
      lines.push(`spawn error: ${e.message}`);
      finish(null);
    });
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
    async stop(graceMs = STOP_GRACE_MS) {
      if (!done) child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!done) child.kill('SIGKILL');
      }, graceMs);
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
        const cleanup = () => {
          watchers.delete(watch);
          clearTimeout(timer);
        };
        const watch = (line: string) => {
          if (regex.test(line)) {
            cleanup();
            res(line);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          rej(new Error(`${opts.name}: no line matching ${regex} within ${timeoutMs} ms (${seen} lines seen); tail:\n${logTail()}`));
        }, timeoutMs);
        watchers.add(watch);
        void exited.then((code) => {
          if (!watchers.has(watch)) return;
          cleanup();
          rej(new ChildExitedError(opts.name, code, regex, logTail()));
        });
      });
    },
  };
}

/** A child exited before printing the line it was awaited for (it could not start). */
export class ChildExitedError extends Error {
  constructor(
    readonly child: string,
    readonly code: number | null,
    regex: RegExp,
    readonly tail: string,
  ) {
    super(`${child} exited (code ${code}) before printing ${regex}; tail:\n${tail}`);
    this.name = 'ChildExitedError';
  }
}
