/**
 * @module test/e2e/launcher.test
 * The launcher as `npm start` runs it (`ops/start.ts` from the sources): a quiet boot with one
 * "ready" line naming the URL, the pages and the API docs; the README's by-hand examples, read
 * from the README's "Try it by hand" block, answer on that fresh start (the `nats` CLI is not
 * installed here, so each command is sent with the NATS client); Ctrl-C (SIGTERM) stops it with
 * exit 0. And when a part it needs cannot start (the gateway's port is taken), it stops everything
 * with a message naming that part and exit 1, instead of running on without it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { Svcm } from '@nats-io/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../app/entry.js';
import { spawnEntry } from '../../app/process.js';
import { dropDatabase, testDatabaseUrl, throwawayName } from '../db/throwaway-db.js';
import { startNatsServer } from '../harness/nats.js';
import { e2eEnv } from './stack.js';
import { startLauncher, type StartedLauncher } from './launcher.js';

/** The shell commands of the README's "Try it by hand" block (comments stripped). */
function readmeExamples(readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')): string[][] {
  const at = readme.indexOf('Try it by hand');
  if (at < 0) throw new Error('README has no "Try it by hand" paragraph');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error('README "Try it by hand" has no ```sh block');
  return block[1]!
    .split('\n')
    .map((l) => words(l))
    .filter((w) => w.length > 0);
}

/** Split a shell line into words: single quotes, double quotes, `#` comments. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(#.*$)|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m[3] !== undefined) break;
    out.push(m[1] ?? m[2]?.replace(/\\(.)/g, '$1') ?? m[4]!);
  }
  return out;
}

/** What the `nats` CLI would have printed, as data: the same request made with the NATS client. */
async function runNatsCommand(nc: NatsConnection, argv: string[]): Promise<unknown> {
  const [tool, cmd, ...rest] = argv;
  if (tool !== 'nats') throw new Error(`not a nats command: ${argv.join(' ')}`);
  if (cmd === 'micro' && rest[0] === 'ls') {
    const infos = [];
    for await (const info of await new Svcm(nc).client().info()) infos.push(info);
    return infos;
  }
  if (cmd === 'req') {
    const [subject, body, ...flags] = rest;
    const h = natsHeaders();
    for (let i = 0; i < flags.length; i++) {
      if (flags[i] !== '-H') throw new Error(`flag ${flags[i]} not understood: extend the README test`);
      const [k, ...v] = flags[++i]!.split(':');
      h.append(k!, v.join(':'));
    }
    const reply = await nc.request(subject!, body ?? '', { headers: h, timeout: 10_000 });
    return { headers: Object.fromEntries([...(reply.headers?.keys() ?? [])].map((k) => [k, reply.headers!.get(k)])), text: reply.string() };
  }
  throw new Error(`nats ${cmd} not understood: extend the README test`);
}

describe('launcher - npm start on a fresh machine', () => {
  let l: StartedLauncher;
  let nc: NatsConnection;
  beforeAll(async () => {
    l = await startLauncher({ form: 'source' });
    nc = await connect({ servers: l.nats.url, name: 'readme-examples' });
  }, 240_000);
  afterAll(async () => {
    await nc?.close();
    if (l) expect(await l.stop()).toBe(0);
  });

  it('launcher - a quiet boot: one ready line naming the URL, the pages and the API docs; no process log lines on the console', async () => {
    expect(l.ready).toContain(`TicketBottle is ready at ${l.url}/`);
    expect(l.ready).toContain(`pages ${l.url}/`);
    expect(l.ready).toContain(`API docs ${l.url}/api/docs`);
    const out = l.proc.logTail(500).split('\n').filter(Boolean);
    expect(out.filter((x) => /ready/.test(x))).toEqual([l.ready]);
    // The processes' info lines go to their log files; the console shows steps, warnings and errors.
    expect(out.filter((x) => x.startsWith('{'))).toEqual([]);
    expect(out.filter((x) => /"level":30/.test(x))).toEqual([]);
    const [pages, docs] = await Promise.all([fetch(`${l.url}/`), fetch(`${l.url}/api/docs`)]);
    expect([pages.status, pages.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/html')]);
    expect(docs.status).toBe(200);
  });

  it("launcher - the README's by-hand examples answer, as written", async () => {
    const examples = readmeExamples();
    expect(examples.map((e) => e.slice(0, 2).join(' '))).toEqual(['nats micro', 'nats req']);
    const [ls, req] = [await runNatsCommand(nc, examples[0]!), await runNatsCommand(nc, examples[1]!)] as [
      Array<{ name: string; endpoints: Array<{ name: string }> }>,
      { headers: Record<string, string>; text: string },
    ];
    const actors = ls.filter((s) => s.name === 'tb-actors');
    expect(actors).toHaveLength(2); // the two actor nodes
    expect(actors[0]!.endpoints.map((e) => e.name)).toEqual(expect.arrayContaining(['event', 'ticketclass', 'order']));
    // JSON in, JSON out: the demo class the launcher created in development.
    const answer = JSON.parse(req.text) as Record<string, unknown>;
    expect(JSON.stringify(answer)).toContain('"demo-ga"');
    expect(JSON.stringify(answer)).toMatch(/"total":100\b/);
    expect(JSON.stringify(answer)).not.toMatch(/"code":"[A-Z_]+"/);
  });
});

describe('launcher - a part that cannot start stops it', () => {
  let blocker: Server;
  afterAll(() => blocker?.close());

  it('launcher - the gateway cannot listen (its port is taken): a message naming the gateway, everything stopped, exit 1', async () => {
    blocker = createServer();
    const port = await new Promise<number>((res) =>
      blocker.listen(0, '127.0.0.1', () => res((blocker.address() as { port: number }).port)),
    );
    const nats = await startNatsServer();
    const dbName = throwawayName();
    try {
      const base = e2eEnv(nats.url, testDatabaseUrl(dbName));
      const dataDir = mkdtempSync(join(tmpdir(), 'tb-launcher-fail-'));
      const env = {
        ...base,
        TB_HTTP_PORT: String(port),
        TB_ADMIN_PORT: '0',
        TB_TUNING: JSON.stringify({ ...JSON.parse(base.TB_TUNING ?? '{}'), dataDir }),
        TB_ACTOR_NODES: '1',
      };
      const proc = spawnEntry('ops/start.ts', { name: 'launcher-gateway-fails', form: 'source', env });
      const code = await Promise.race([proc.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 150_000))]);
      if (code === 'hung') proc.kill();
      const out = proc.logTail(200);
      expect(code, out).toBe(1);
      expect(out).toMatch(/TicketBottle cannot start: gateway-0 \(HTTP and WebSocket gateway\) could not start: it exited with code 1/);
      expect(out).toMatch(/full log: .*gateway-0\.log/);
      expect(out).toMatch(/TicketBottle: stopped/);
      expect(out).not.toMatch(/TicketBottle is ready/);
    } finally {
      await dropDatabase(dbName).catch(() => undefined);
      await nats.stop();
    }
  });
});
