/**
 * @module tools/proc-cpu
 * CPU time of processes by pid, read from `/proc/<pid>/stat` (user + system, in seconds), so a
 * rehearsal (`tools/rehearse`) or a benchmark (`bench/stack-cost.ts`) can say where the machine's
 * time went: gateways, actor nodes, the other workers, nats-server, PostgreSQL backends, and the
 * load itself, which on one machine competes with the system it tests.
 * Linux only; a process that is gone (or another OS) counts as 0.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc times (USER_HZ: 100 on Linux). */
const TICKS_PER_S = 100;

/** CPU seconds (user + system) used so far by `pid`, or 0 when it cannot be read. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / TICKS_PER_S;
  } catch {
    return 0;
  }
}

/** Sum of `cpuSecondsOf` over `pids`, rounded to 0.1 s. */
export function cpuSecondsOfAll(pids: number[]): number {
  return Math.round(pids.reduce((s, p) => s + (p > 0 ? cpuSecondsOf(p) : 0), 0) * 10) / 10;
}
