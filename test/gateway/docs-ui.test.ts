/**
 * @module test/gateway/docs-ui.test
 * /api/docs in a real browser (Debian's chromium): Swagger UI renders every operation of the
 * gateway's document, offers the Authorize button for the bearer token, raises no CSP error, and
 * makes no request to any other origin (no CDN, no online validator).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, openBrowser } from '../pages/browser.js';
import { type StartedGateway, startGateway, stopAll } from './start-gateway.js';

let gw: StartedGateway;
let browser: Browser;
beforeAll(async () => {
  gw = await startGateway();
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stopAll();
});

describe('gateway docs UI', () => {
  it('gateway - Swagger UI shows the document, with Authorize, from the gateway alone', async () => {
    const { page } = browser;
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`${gw.url}/api/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    const doc = (await (await fetch(`${gw.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    expect(await page.locator('.opblock').count()).toBe(operations);
    expect(await page.locator('.opblock-summary-path', { hasText: '/api/v1/echo/{id}' }).count()).toBe(1);
    await expect(page.locator('button.authorize').isVisible()).resolves.toBe(true);
    expect(problems).toEqual([]);
    expect(requests.length).toBeGreaterThan(3);
    expect(requests.filter((u) => !u.startsWith(`${gw.url}/`))).toEqual([]);
  }, 90_000);
});
