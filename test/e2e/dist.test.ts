/**
 * @module test/e2e/dist.test
 * The container-free proof of the production build: `npm run build` makes `dist/` (`npm test`
 * builds it first; run alone, this file builds it when it is missing or stale), the real launcher
 * starts the compiled stack (`node dist/ops/start.js`: every process compiled JavaScript, no tsx)
 * on its own nats-server and a throwaway database, and the e2e checkout suite runs against it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST_ROOT, REPO_ROOT } from '../../app/entry.js';
import { SERVICES } from '../../app/services.js';
import { describeCheckout } from './checkout-suite.js';
import { ensureBuilt, launcherE2EStack } from './launcher.js';

ensureBuilt();

describe('dist - the build holds what it reads at run time', () => {
  it('dist - migrations, the built pages and every entry point are in dist/', () => {
    const journal = JSON.parse(readFileSync(join(DIST_ROOT, 'db/migrations/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    expect(journal.entries.length).toBeGreaterThan(0);
    expect(existsSync(join(DIST_ROOT, 'web/dist/index.html'))).toBe(true);
    for (const f of ['ops/start.js', 'actors/node-main.js', 'gateway/main.js', 'app/stack.js', 'tools/rehearse/worker.js'])
      expect([f, existsSync(join(DIST_ROOT, f))]).toEqual([f, true]);
  });

  it('dist - the image and docker-compose.yml run the compiled entry points (docker cannot run here: this checks they match)', () => {
    const compose = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    const commands = [...compose.matchAll(/command: \["node", "(dist\/[^"]+\.js)"\]/g)].map((m) => m[1]!);
    const cmd = /^CMD \["node", "(dist\/[^"]+\.js)"\]$/m.exec(dockerfile)?.[1];
    // Every process of the service table runs in the deployment, from a file the build made.
    const wanted = Object.values(SERVICES).map((s) => `dist/${s.file.replace(/\.ts$/, '.js')}`);
    expect([...commands, cmd].sort()).toEqual(wanted.sort());
    for (const f of [...commands, 'dist/db/migrate.js']) expect([f, existsSync(join(REPO_ROOT, f))]).toEqual([f, true]);
    expect(compose).toContain("import('./dist/db/migrate.js')");
    expect(compose + dockerfile).not.toMatch(/--import", "tsx|\.ts"\]/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });
});

describeCheckout(
  'dist - checkout on the compiled stack started by node dist/ops/start.js',
  async () => {
    const s = await launcherE2EStack('compiled');
    // The launcher runs compiled (its banner says so) and starts every process in its own form.
    const launcher = s.procs.get('launcher')!;
    expect(launcher.logTail(500)).toMatch(/TicketBottle: starting \(compiled build/);
    return s;
  },
  'dist',
);
