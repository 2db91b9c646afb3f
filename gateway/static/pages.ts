/**
 * @module gateway/static/pages
 * The web pages (`web/`, built by Vite into `web/dist`) served by the gateway itself, so a
 * browser never needs a third-party host. A middleware, not routes: it answers GET/HEAD only
 * for paths no API route matched. Hashed assets (`/assets/<name>-<hash>.<ext>`) are immutable
 * for a year; `index.html` and every page route (the SPA fallback) are `no-cache`, so a deploy
 * is seen at once. Invariants: a path never escapes the build folder (only names from the
 * build's own listing are served, read once at start-up), `/api/*` and other reserved prefixes
 * are never answered with the page, and the page's Content-Security-Policy allows nothing from
 * another origin.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { GatewayResponse, Middleware } from '../types.js';

/** Same-origin only: scripts, styles, images, the queue and console WebSockets. */
export const PAGES_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/** Paths that are never a page: the API, documentation, probes, the sandbox provider's page. */
const RESERVED = /^\/(api|internal|sandbox|healthz|readyz|metrics)(\/|$)/;
/** Vite's hashed file names: `name-<8+ chars>.ext` under `/assets/`. */
const HASHED = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

interface StaticFile {
  body: Uint8Array;
  type: string;
  immutable: boolean;
}

function listFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name.startsWith('.')) continue; // Vite's manifest and other dot files are build metadata, not pages
      const full = join(d, name);
      if (statSync(full).isDirectory()) {
        walk(full);
        continue;
      }
      const path = `/${relative(dir, full).split(sep).join('/')}`;
      files.set(path, { body: readFileSync(full), type: TYPES[extname(name)] ?? 'application/octet-stream', immutable: HASHED.test(path) });
    }
  };
  walk(dir);
  return files;
}

function respond(file: StaticFile, cache: string): GatewayResponse {
  const headers: Record<string, string> = { 'content-type': file.type, 'cache-control': cache };
  if (file.type.startsWith('text/html')) headers['content-security-policy'] = PAGES_CSP;
  return { status: 200, headers, body: file.body };
}

/** Options of the pages middleware. */
export interface PagesOptions {
  /** The Vite build folder (default `web/dist` beside the repository root). */
  dir: string;
}

/**
 * Serve the built pages. When the build folder is missing, page paths answer 503 with a
 * sentence saying how to build them (the API keeps working).
 */
export function pagesMiddleware(opts: PagesOptions): Middleware {
  let files: Map<string, StaticFile> | undefined;
  try {
    files = listFiles(opts.dir);
  } catch {
    files = undefined;
  }
  const index = files?.get('/index.html');
  return {
    name: 'pages',
    onRequest(ctx) {
      const { method, path } = ctx.request;
      if (ctx.route || (method !== 'GET' && method !== 'HEAD') || RESERVED.test(path)) return;
      if (!files || !index) {
        return {
          status: 503,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          body: new TextEncoder().encode('The pages are not built: run `npm run build:web`.\n'),
        };
      }
      const file = files.get(path);
      if (file) return respond(file, file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      // An asset that does not exist is a 404, not the page (a stale hashed name after a deploy).
      if (path.startsWith('/assets/') || extname(path) !== '') return;
      return respond(index, 'no-cache');
    },
  };
}

/** `web/dist` of this checkout. */
export function defaultPagesDir(): string {
  return new URL('../../web/dist/', import.meta.url).pathname;
}
