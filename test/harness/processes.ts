/**
 * @module test/harness/processes
 * Spawns the project's entry points (actor nodes, gateways, fixtures) as real child processes for
 * multi-process tests. The spawning itself is the composition root's (`app/process.ts`), shared
 * with the launcher, the benchmarks and the rehearsal: children run in the form this code runs in.
 * Invariant: every child spawned here dies with the test process (SIGKILL on exit).
 */
import { spawnEntry, type ChildHandle, type SpawnOptions } from '../../app/process.js';

export { childNodeArgs, type ChildHandle } from '../../app/process.js';
export { REPO_ROOT } from '../../app/entry.js';
export type SpawnTsOptions = SpawnOptions;

/** Run entry point `file` (relative to the repo root) with `opts.env` merged over `process.env`. */
export function spawnTs(file: string, opts: SpawnTsOptions): ChildHandle {
  return spawnEntry(file, opts);
}
