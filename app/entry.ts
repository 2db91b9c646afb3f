/**
 * @module app/entry
 * Which form of the code is running, and how to start another entry point in the same form:
 * compiled JavaScript under `dist/` (`npm run build`, the Docker image) runs `node dist/<file>.js`;
 * the TypeScript sources (`npm start`, the tests) run `node --import tsx <file>.ts`.
 * Entry points are named by their source path (`gateway/main.ts`) everywhere, so the launcher, the
 * tests, the benchmarks and the rehearsal never spell the form out.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when this module runs as compiled JavaScript (`dist/app/entry.js`). */
export const COMPILED = import.meta.url.endsWith('.js');
/** Where the running code lives: the repository root, or `<repo>/dist` when compiled. */
export const CODE_ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The repository (or image) root: the working directory children run in. */
export const REPO_ROOT = COMPILED && existsSync(resolve(CODE_ROOT, '..', 'package.json')) ? resolve(CODE_ROOT, '..') : CODE_ROOT;

/** The form an entry point is started in. */
export type CodeForm = 'source' | 'compiled';

/** The form of this process's own code (what children are started in unless asked otherwise). */
export const OWN_FORM: CodeForm = COMPILED ? 'compiled' : 'source';

/** The `dist/` folder of the repository (whether or not this process runs from it). */
export const DIST_ROOT = resolve(REPO_ROOT, 'dist');

/**
 * Absolute path of entry point `file` (a source path like `gateway/main.ts`) in `form`, and the
 * node arguments that run it (`--import tsx` for sources).
 */
export function entryCommand(file: string, form: CodeForm = OWN_FORM): { path: string; nodeArgs: string[] } {
  if (form === 'compiled') {
    const js = file.replace(/\.ts$/, '.js');
    return { path: resolve(DIST_ROOT, js), nodeArgs: [] };
  }
  const ts = file.replace(/\.js$/, '.ts');
  return { path: resolve(REPO_ROOT, ts), nodeArgs: ['--import', 'tsx'] };
}
