/**
 * @module test/pages/pages.test
 * The pages in a real browser (Debian's chromium through playwright-core) against the REAL stack
 * (test/e2e/stack.ts: gateway, actor nodes, workers, PostgreSQL, NATS). A buyer signs up, goes
 * from the event page into the waiting room with other buyers ahead (played over the API),
 * keeps the same place through a reload and a network drop (offline, and the gateway's
 * connection cut; same number, no second queue entry), is admitted over the WebSocket, pays on the sandbox page and sees the order COMPLETED
 * at the payment return URL. The organizer's live console shows the sale moving, and its pause
 * button stops admissions until resumed. axe-core finds no serious or critical violation on the
 * main pages. Screenshots of the waiting room and the console go to docs/screenshots/.
 */
import { execFileSync } from 'node:child_process';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { apiFor, grantPlatformAdmin, publishEvent, signUp, until, type Api, type User } from '../e2e/client.js';
import { startE2EStack, type E2EStack } from '../e2e/stack.js';
import { SCREENSHOTS, openBrowser, type Browser } from './browser.js';
import { PASSWORD, axeChecker, queueHelpers, signUpInBrowser as signUpInBrowserAt } from './helpers.js';

let s: E2EStack;
let api: Api;
let organizer: User;
let admin: User;
const browsers: Browser[] = [];
const axeFindings: Record<string, unknown> = {};
const { me, publicQueue, join, takeTurnAndLeave, takeTurnAndBuy } = queueHelpers(() => api);
const checkAxe = axeChecker(axeFindings);
const signUpInBrowser = (page: Page, next: string, name: string) => signUpInBrowserAt(page, s.url, next, name, checkAxe);

beforeAll(async () => {
  // The gateway serves web/dist: build it if it is missing or stale (as `npm test` does first).
  execFileSync(process.execPath, ['--import', 'tsx', 'web/build.ts', '--check'], { stdio: 'inherit' });
  s = await startE2EStack();
  api = apiFor(s.url);
  [organizer, admin] = [await signUp(api, 'organizer'), await signUp(api, 'admin')];
  await grantPlatformAdmin(s.db, admin.id);
}, 240_000);
afterAll(async () => {
  for (const b of browsers) await b.close();
  if (Object.keys(axeFindings).length) console.info(`pages - axe findings (minor/moderate allowed): ${JSON.stringify(axeFindings)}`);
  await s?.stop();
});

describe('pages', () => {
  it('pages - a buyer queues behind others, keeps the place through a reload and a network drop, is admitted, pays with the sandbox and sees the order COMPLETED', async () => {
    const ev = await publishEvent(api, organizer, admin, {
      name: 'Pages concert',
      classes: [{ name: 'Standing', total: 20, priceMinor: 250_000, maxPerOrder: 4 }],
      waitroom: { maxConcurrent: 1 },
    });
    const others = [await signUp(api, 'ahead'), await signUp(api, 'ahead'), await signUp(api, 'ahead'), await signUp(api, 'ahead')];
    for (const u of others) await join(u, ev.eventId);
    expect((await publicQueue(ev.eventId)).joined).toBe(4);

    const b = await openBrowser();
    browsers.push(b);
    const { page } = b;
    await signUpInBrowser(page, `/events/${ev.eventId}`, 'browserbuyer');
    await expect.poll(() => page.getByRole('cell', { name: '20 left' }).count(), { timeout: 15_000 }).toBe(1);
    await checkAxe(page, 'event');
    await page.getByRole('link', { name: 'Join the waiting room' }).click();
    await page.waitForURL((u) => u.pathname === `/events/${ev.eventId}/queue`);
    const position = page.getByTestId('position');
    const ahead = page.getByTestId('ahead');
    await expect.poll(() => position.textContent(), { timeout: 20_000 }).toBe('5');
    await expect.poll(() => ahead.textContent()).toBe('3');
    await expect.poll(() => page.locator('[data-link]').getAttribute('data-link')).toBe('connected');
    expect((await publicQueue(ev.eventId)).joined).toBe(5);
    await checkAxe(page, 'waitroom');
    await page.screenshot({ path: `${SCREENSHOTS}waitroom.png`, fullPage: true });

    // A reload: the same session (same number), no second entry.
    await page.reload();
    await expect.poll(() => position.textContent(), { timeout: 20_000 }).toBe('5');
    expect((await publicQueue(ev.eventId)).joined).toBe(5);

    // A network drop: the browser goes offline and the connection is cut (the gateway process is
    // restarted: Chromium's offline mode alone leaves an open WebSocket alone). The page says it
    // is reconnecting, then resumes the same place when the network is back.
    await b.context.setOffline(true);
    await s.procs.get('gateway')!.stop();
    await expect.poll(() => page.locator('[data-link]').getAttribute('data-link'), { timeout: 30_000 }).toBe('reconnecting');
    await s.start('gateway');
    await b.context.setOffline(false);
    await expect.poll(() => page.locator('[data-link]').getAttribute('data-link'), { timeout: 30_000 }).toBe('connected');
    await expect.poll(() => position.textContent()).toBe('5');
    expect((await publicQueue(ev.eventId)).joined).toBe(5);

    // The people ahead: the first buys and pays, the others take their turn and leave.
    await takeTurnAndBuy(others[0]!, ev.eventId, ev.classIds[0]!, 1);
    for (const u of others.slice(1)) await takeTurnAndLeave(u, ev.eventId);

    // Admitted over the WebSocket: the countdown of the checkout slot and the checkout form.
    await page.getByRole('heading', { name: 'It is your turn!' }).waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByRole('timer').textContent()).toMatch(/Your checkout slot ends in \d+ min/);
    await checkAxe(page, 'checkout');
    await page.screenshot({ path: `${SCREENSHOTS}admitted.png`, fullPage: true });
    await page.getByRole('spinbutton').fill('2');
    await page.getByRole('button', { name: 'Pay' }).click();

    // The sandbox provider's page, then the payment return URL: /orders/<id> with the live status.
    await page.waitForURL(/\/sandbox\/pay\/|\/api\/v1\/payments\/sandbox\/pay/, { timeout: 30_000 });
    await page.locator('#pay').click();
    await page.waitForURL(/\/orders\/ord_/, { timeout: 30_000 });
    await page.locator('[data-status="COMPLETED"]').waitFor({ timeout: 60_000 });
    expect(await page.getByRole('status').first().textContent()).toContain('Paid');
    await checkAxe(page, 'order');
    await page.screenshot({ path: `${SCREENSHOTS}order.png`, fullPage: true });
    const classView = (await api<{ sold: number }>('GET', `/api/v1/ticket-classes/${ev.classIds[0]}`, { token: organizer.token })).body;
    expect(classView.sold).toBe(3);
  }, 360_000);

  it("pages - the organizer's live console shows the sale moving, and a pause stops admissions until resumed", async () => {
    const ev = await publishEvent(api, organizer, admin, {
      name: 'Console sale',
      classes: [
        { name: 'Seated', total: 10 },
        { name: 'VIP', total: 5 },
      ],
      waitroom: { maxConcurrent: 1 },
    });
    const buyers = [await signUp(api, 'crowd'), await signUp(api, 'crowd'), await signUp(api, 'crowd'), await signUp(api, 'crowd')];
    for (const u of buyers) await join(u, ev.eventId);

    const b = await openBrowser({ viewport: { width: 1280, height: 1100 } });
    browsers.push(b);
    const { page } = b;
    await page.goto(`${s.url}/signin?next=${encodeURIComponent(`/organizer/events/${ev.eventId}/console`)}`);
    await checkAxe(page, 'signin');
    await page.getByLabel('Email').fill(organizer.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname.endsWith('/console'));
    await expect.poll(() => page.getByTestId('waiting').textContent(), { timeout: 30_000 }).toBe('3');
    await expect.poll(() => page.getByTestId('admission').textContent()).toBe('Admitting');

    // The sale moves: the first buyer buys 2, the next is admitted.
    await takeTurnAndBuy(buyers[0]!, ev.eventId, ev.classIds[0]!, 2);
    await expect.poll(() => page.getByTestId('sold').textContent(), { timeout: 30_000 }).toBe('2');
    await expect.poll(() => page.getByTestId('admitted').textContent(), { timeout: 30_000 }).toBe('2');

    // Pause: the slot the second buyer gives back is not given to the third.
    await page.getByRole('button', { name: 'Pause admission' }).click();
    await expect.poll(() => page.getByTestId('admission').textContent(), { timeout: 30_000 }).toBe('Paused');
    expect((await publicQueue(ev.eventId)).paused).toBe(true);
    await takeTurnAndLeave(buyers[1]!, ev.eventId);
    const paused = await publicQueue(ev.eventId);
    expect([paused.cursor, paused.slotsInUse]).toEqual([2, 0]);
    expect((await me(buyers[2]!, ev.eventId)).state).toBe('queued');
    await expect.poll(() => page.getByTestId('slots').textContent(), { timeout: 30_000 }).toBe('0 / 1');
    await checkAxe(page, 'console');
    await page.screenshot({ path: `${SCREENSHOTS}console.png`, fullPage: true });

    // Resume: the third buyer is admitted at once.
    await page.getByRole('button', { name: 'Resume admission' }).click();
    await until(async () => (await me(buyers[2]!, ev.eventId)).state === 'admitted', 'third buyer admitted after resume', 30_000, 200);
    await expect.poll(() => page.getByTestId('admission').textContent(), { timeout: 30_000 }).toBe('Admitting');

    // The event's settings page and the public pages pass the accessibility check too.
    await page.goto(`${s.url}/organizer/events/${ev.eventId}`);
    await page.getByTestId('event-status').waitFor();
    await checkAxe(page, 'organizer-event');
    await page.goto(`${s.url}/`);
    await page.getByRole('heading', { name: 'Events' }).waitFor();
    await checkAxe(page, 'events');
    // Vietnamese: the language switch changes the page's strings and its lang attribute.
    await page.getByLabel('Language').selectOption('vi');
    await page.getByRole('heading', { name: 'Sự kiện' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    await checkAxe(page, 'events-vi');
  }, 360_000);

  it('pages - the gateway serves hashed assets immutable, pages no-cache with a same-origin CSP, and never the page for an unknown API path', async () => {
    const html = await fetch(`${s.url}/events/anything`);
    expect(html.status).toBe(200);
    expect(html.headers.get('cache-control')).toBe('no-cache');
    expect(html.headers.get('content-security-policy')).toContain("default-src 'self'");
    const body = await html.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(body)![1]!;
    const js = await fetch(`${s.url}${asset}`);
    expect([js.status, js.headers.get('cache-control'), js.headers.get('content-type')]).toEqual([
      200,
      'public, max-age=31536000, immutable',
      'text/javascript; charset=utf-8',
    ]);
    expect((await fetch(`${s.url}/api/v1/nope`)).status).toBe(404);
    expect((await fetch(`${s.url}/assets/missing-abcdefgh.js`)).status).toBe(404);
    expect((await fetch(`${s.url}/.vite/manifest.json`)).status).toBe(404);
    // No third-party request: every src/href in the page is same-origin.
    expect(body.match(/(?:src|href)="https?:\/\//g)).toBeNull();
  });

  it("pages - the console's controls and stream refuse anyone but the event's configuring staff, and change nothing when refused", async () => {
    const ev = await publishEvent(api, organizer, admin, {
      name: 'Guarded sale',
      classes: [{ total: 10 }],
      waitroom: { maxConcurrent: 1 },
    });
    const [buyer, viewer, b2, b3] = [
      await signUp(api, 'buyer'),
      await signUp(api, 'viewer'),
      await signUp(api, 'buyer'),
      await signUp(api, 'buyer'),
    ];
    for (const u of [buyer, b2, b3]) await join(u, ev.eventId);
    expect(
      (
        await api('PUT', `/api/v1/events/${ev.eventId}/roles/${viewer.id}`, {
          token: organizer.token,
          key: `role-${viewer.id}`,
          body: { role: 'viewer' },
        })
      ).status,
    ).toBe(200);
    const before = await publicQueue(ev.eventId);

    // A buyer (the event is public: they may read it) and a viewer may not pause, resume or change the slots.
    for (const [who, u] of [
      ['buyer', buyer],
      ['viewer', viewer],
    ] as const) {
      for (const [method, path, body] of [
        ['POST', 'pause', undefined],
        ['POST', 'resume', undefined],
        ['PUT', 'slots', { maxConcurrent: 500 }],
      ] as const) {
        const r = await api<{ error: { code: string } }>(method, `/api/v1/events/${ev.eventId}/queue/${path}`, {
          token: u.token,
          ...(body ? { body } : {}),
        });
        expect([who, path, r.status, r.body.error.code]).toEqual([who, path, 403, 'EVENT_FORBIDDEN']);
      }
    }
    expect((await api('POST', `/api/v1/events/${ev.eventId}/queue/pause`)).status).toBe(401);
    for (const bad of [{ maxConcurrent: 0 }, { maxConcurrent: 100_000 }, { maxConcurrent: 'all' }, {}]) {
      expect((await api('PUT', `/api/v1/events/${ev.eventId}/queue/slots`, { token: organizer.token, body: bad })).status).toBe(400);
    }
    const after = await publicQueue(ev.eventId);
    expect([after.paused ?? false, after.cursor, after.slotsInUse]).toEqual([false, before.cursor, before.slotsInUse]);

    // The organizer raises the slots: the next two are called at once.
    const raised = await api<{ maxConcurrent: number; cursor: number }>('PUT', `/api/v1/events/${ev.eventId}/queue/slots`, {
      token: organizer.token,
      body: { maxConcurrent: 3 },
    });
    expect([raised.status, raised.body.maxConcurrent, raised.body.cursor]).toEqual([200, 3, 3]);

    // The console stream: no token 401 before the upgrade; after it, a buyer is refused with close
    // code 4403 (the event actor decides after open), a viewer (seeSales) and the organizer get frames.
    const upgrade = (token?: string) =>
      new Promise<number | 'frames'>((resolve, reject) => {
        const ws = new WebSocket(
          `${s.url.replace('http', 'ws')}/api/v1/events/${ev.eventId}/console/ws`,
          token ? ['tb.console.v1', `bearer.${token}`] : [],
        );
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on('message', (data) => {
          const frame = JSON.parse(String(data)) as { t?: string };
          if (frame.t !== 'error') {
            resolve('frames');
            ws.close();
          }
        });
        ws.on('close', (code) => resolve(code));
        ws.on('error', (err) => reject(err));
      });
    expect(await upgrade()).toBe(401);
    expect(await upgrade(buyer.token)).toBe(4403);
    expect(await upgrade(viewer.token)).toBe('frames');
    expect(await upgrade(organizer.token)).toBe('frames');
  });
});
