/**
 * @module test/security/admin-listener.test
 * Attack (issue 10, item 6): `/metrics` and `/internal/ws/stats` were public on the API port
 * (anyone could read traffic figures and process facts), and `/readyz` — which costs a NATS round
 * trip and a PostgreSQL query — was exempt from rate limiting, so it could be hammered for free.
 * Now both operator routes answer 404 on the public port and live on the private admin listener,
 * and the public probes are under the per-IP limit. Real uWS on two ports, the gateway process
 * composition of `gateway/main.ts` included (spawned with `TB_ADMIN_PORT`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { spawnTs, type ChildHandle } from '../harness/processes.js';
import { dropDatabase, testDatabaseUrl, throwawayName } from '../db/throwaway-db.js';
import { migrate } from '../../db/index.js';
import { startGateway, stopAll } from '../gateway/start-gateway.js';

afterAll(stopAll);

describe('security - operator routes only on the admin listener', () => {
  it('security - /metrics is 404 on the public port and served on the admin port', async () => {
    const g = await startGateway();
    const pub = await fetch(`${g.url}/metrics`);
    expect(pub.status).toBe(404);
    expect(((await pub.json()) as { error: { code: string } }).error.code).toBe('HTTP_NOT_FOUND');
    const admin = await fetch(`${g.adminUrl}/metrics`);
    expect(admin.status).toBe(200);
    expect(await admin.text()).toMatch(/tb_gateway_http_requests_total/);
    // The admin listener serves nothing of the API.
    expect((await fetch(`${g.adminUrl}/api/v1/openapi.json`)).status).toBe(404);
  });

  it('security - /readyz and /healthz are rate-limited on the public port, not on the admin port', async () => {
    const g = await startGateway({ config: { rateLimitIpPerSec: 1, rateLimitIpBurst: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${g.url}${i % 2 ? '/healthz' : '/readyz'}`);
      statuses.push(r.status);
      await r.arrayBuffer();
    }
    expect(statuses.slice(-2)).toEqual([429, 429]);
    for (let i = 0; i < 10; i++) expect((await fetch(`${g.adminUrl}/healthz`)).status).toBe(200);
  });
});

describe('security - the gateway process', () => {
  let nats: NatsServerHandle;
  let gateway: ChildHandle;
  let dbName: string;
  let httpPort: number;
  let adminPort: number;
  beforeAll(async () => {
    nats = await startNatsServer();
    dbName = throwawayName();
    const dbUrl = testDatabaseUrl(dbName);
    await migrate(dbUrl);
    [httpPort, adminPort] = (await freePorts(2)) as [number, number];
    gateway = spawnTs('gateway/main.ts', {
      name: 'admin-listener-gateway',
      env: {
        TB_NATS_URL: nats.url,
        TB_DATABASE_URL: dbUrl,
        TB_HTTP_HOST: '127.0.0.1',
        TB_HTTP_PORT: String(httpPort),
        TB_ADMIN_PORT: String(adminPort),
        TB_LOG_LEVEL: 'info',
      },
    });
    await gateway.waitForLine(/gateway listening/, 60_000);
  });
  afterAll(async () => {
    await gateway?.stop();
    await nats?.stop();
    await dropDatabase(dbName).catch(() => undefined);
  });

  it('security - gateway/main serves /metrics and /internal/ws/stats on TB_ADMIN_PORT only', async () => {
    for (const path of ['/metrics', '/internal/ws/stats']) {
      expect((await fetch(`http://127.0.0.1:${httpPort}${path}`)).status, path).toBe(404);
      expect((await fetch(`http://127.0.0.1:${adminPort}${path}`)).status, path).toBe(200);
    }
    const stats = (await (await fetch(`http://127.0.0.1:${adminPort}/internal/ws/stats`)).json()) as { pid: number };
    expect(stats.pid).toBe(gateway.pid);
  });
});
