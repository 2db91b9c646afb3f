/**
 * Build the pages when they are missing or older than their sources (run by `npm start`,
 * `npm test` and `npm ci` through package.json scripts), then print what the waiting room costs
 * a phone: its JavaScript and CSS (entry chunk, waiting-room chunk and what they import)
 * compressed with gzip and brotli. `--force` rebuilds; `--check` fails when over 100 KB.
 * Without Vite installed (a production install without dev dependencies) it says so and stops:
 * build the pages where the dev dependencies are, and copy `web/dist`.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';

const WEB = new URL('.', import.meta.url).pathname;
const DIST = join(WEB, 'dist');
const BUDGET = 100 * 1024;

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

/** The files the waiting room loads: index.html's entry and CSS, the waitroom chunk, and every chunk they import. */
export function waitroomFiles(dist = DIST): string[] {
  const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    { file: string; css?: string[]; imports?: string[] }
  >;
  const seen = new Set<string>();
  const visit = (key: string) => {
    const m = manifest[key];
    if (!m || seen.has(m.file)) return;
    seen.add(m.file);
    for (const c of m.css ?? []) seen.add(c);
    for (const i of m.imports ?? []) visit(i);
  };
  visit('index.html');
  visit('src/pages/waitroom.tsx');
  return [...seen];
}

/** Compressed sizes of the waiting room's JS and CSS. */
export function waitroomWeight(dist = DIST): { files: number; raw: number; gzip: number; brotli: number } {
  let raw = 0,
    gzip = 0,
    brotli = 0;
  const files = waitroomFiles(dist);
  for (const f of files) {
    const b = readFileSync(join(dist, f));
    raw += b.length;
    gzip += gzipSync(b, { level: 9 }).length;
    brotli += brotliCompressSync(b).length;
  }
  return { files: files.length, raw, gzip, brotli };
}

async function main(): Promise<void> {
  const force = process.argv.includes('--force');
  const stale =
    !existsSync(join(DIST, 'index.html')) ||
    !existsSync(join(DIST, '.vite', 'manifest.json')) ||
    Math.max(newest(join(WEB, 'src')), statSync(join(WEB, 'index.html')).mtimeMs, statSync(join(WEB, 'vite.config.ts')).mtimeMs) >
      statSync(join(DIST, 'index.html')).mtimeMs;
  if (force || stale) {
    let vite: typeof import('vite');
    try {
      vite = await import('vite');
    } catch {
      console.log(
        'web: Vite is not installed (production install?): pages not built; the gateway answers 503 on page paths until web/dist exists',
      );
      return;
    }
    await vite.build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn', build: { manifest: true } });
  }
  const w = waitroomWeight();
  const kb = (n: number) => (n / 1024).toFixed(1);
  console.log(
    `web: waiting room JS+CSS ${kb(w.raw)} KB raw, ${kb(w.gzip)} KB gzip, ${kb(w.brotli)} KB brotli (${w.files} files; budget ${BUDGET / 1024} KB compressed)${force || stale ? '' : ' [up to date]'}`,
  );
  if (process.argv.includes('--check') && w.gzip > BUDGET) {
    console.error('web: the waiting room is over its 100 KB budget');
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
