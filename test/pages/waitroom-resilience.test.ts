/**
 * @module test/pages/waitroom-resilience.test
 * The waiting room in a real browser (Debian's chromium through playwright-core) against the REAL
 * stack (test/e2e/stack.ts), for what a phone does to a page (issue 14):
 * - a backgrounded tab (hidden, then frozen by the DevTools protocol's web lifecycle, while the
 *   gateway cuts every socket) reconnects when it comes back, to the SAME session: same number,
 *   no second queue entry;
 * - with nobody ahead, while an absent joiner holds the only called slot until its claim grace
 *   ends, the ETA the page shows never rises, and the buyer is then admitted;
 * - a buyer who left the queue rejoins from the page, at the back, once (a reload keeps the new
 *   place).
 * A reload and a network drop keeping the same place are covered by test/pages/pages.test.ts.
 * Self-contained on purpose (its own stack with a short claim grace, its own sign-up helper).
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { apiFor, grantPlatformAdmin, publishEvent, signUp, until, type Api, type User } from '../e2e/client.js';
import { startE2EStack, type E2EStack } from '../e2e/stack.js';
import { openBrowser, type Browser } from './browser.js';

const PASSWORD = 'Blue-kettle-42-river';
let s: E2EStack;
let api: Api;
let organizer: User;
let admin: User;
let b: Browser;

type Status = { state: string; position?: number; ahead?: number };
const me = async (u: User, eventId: string) => (await api<Status>('GET', `/api/v1/events/${eventId}/queue/me`, { token: u.token })).body;
const joined = async (eventId: string) => (await api<{ joined: number }>('GET', `/api/v1/events/${eventId}/queue`)).body.joined;
const join = async (u: User, eventId: string) =>
  (await api<Status>('POST', `/api/v1/events/${eventId}/queue/join`, { token: u.token })).body;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function signUpInBrowser(page: Page, next: string, name: string): Promise<void> {
  await page.goto(`${s.url}/signup?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(`${name}.${Date.now().toString(36)}@example.com`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.waitForURL((u) => u.pathname === next);
}

/** Make the page believe it is hidden or visible (as a phone switching apps does) and tell it. */
const setVisibility = (page: Page, state: 'hidden' | 'visible') =>
  page.evaluate(`(() => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => '${state}' });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => ${state === 'hidden'} });
  document.dispatchEvent(new Event('visibilitychange'));
})()`);

beforeAll(async () => {
  // The gateway serves web/dist: build it if it is missing or stale (as `npm test` does first).
  execFileSync(process.execPath, ['--import', 'tsx', 'web/build.ts', '--check'], { stdio: 'inherit' });
  // A short claim grace: the absent joiner's called slot ends within the test; statuses every 2 s.
  s = await startE2EStack({ env: { TB_QUEUE_CLAIM_GRACE_MS: '10000', TB_WS_CORRECTION_MS: '2000' } });
  api = apiFor(s.url);
  [organizer, admin] = [await signUp(api, 'organizer'), await signUp(api, 'admin')];
  await grantPlatformAdmin(s.db, admin.id);
  b = await openBrowser();
}, 240_000);
afterAll(async () => {
  await b?.close();
  await s?.stop();
});

describe('pages - waiting room resilience', () => {
  it('pages - a backgrounded tab reconnects to the same session; with nobody ahead the ETA shown never rises', async () => {
    const ev = await publishEvent(api, organizer, admin, {
      name: 'Background sale',
      classes: [{ total: 20 }],
      waitroom: { maxConcurrent: 1 },
    });
    const holder = await signUp(api, 'holder');
    const absent = await signUp(api, 'absent');
    expect((await join(holder, ev.eventId)).state).toBe('admitted');
    expect(await join(absent, ev.eventId)).toMatchObject({ state: 'queued', ahead: 0 });

    const { page } = b;
    let sockets = 0;
    page.on('websocket', (ws) => {
      if (ws.url().includes('/queue/ws')) sockets++;
    });
    await signUpInBrowser(page, `/events/${ev.eventId}/queue`, 'background');
    const position = page.getByTestId('position');
    const ahead = page.getByTestId('ahead');
    const link = page.locator('[data-link]');
    await expect.poll(() => position.textContent(), { timeout: 20_000 }).toBe('3');
    await expect.poll(() => link.getAttribute('data-link')).toBe('connected');
    expect(await joined(ev.eventId)).toBe(3);
    const before = sockets;

    // The tab goes to the background and is frozen; meanwhile every socket is cut (the gateway
    // restarts). Back in the foreground it reconnects at once, to the same place.
    const cdp = await b.context.newCDPSession(page);
    await setVisibility(page, 'hidden');
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    await s.procs.get('gateway')!.stop();
    await s.start('gateway');
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
    await setVisibility(page, 'visible');
    await expect.poll(() => sockets, { timeout: 30_000 }).toBeGreaterThan(before);
    await expect.poll(() => link.getAttribute('data-link'), { timeout: 30_000 }).toBe('connected');
    await expect.poll(() => position.textContent()).toBe('3');
    expect(await joined(ev.eventId)).toBe(3); // no second queue entry

    // The holder finishes (a checkout measured); the absent joiner is called and never claims:
    // the buyer is next, and waits for that call's grace to end.
    expect((await api('POST', `/api/v1/events/${ev.eventId}/queue/leave`, { token: holder.token })).status).toBe(200);
    await expect.poll(() => ahead.textContent(), { timeout: 20_000 }).toBe('0');
    const shown: number[] = [];
    const admitted = page.getByRole('heading', { name: 'It is your turn!' });
    while (!(await admitted.isVisible())) {
      const [a, sec] = [
        await ahead.textContent().catch(() => null),
        await page
          .getByTestId('eta')
          .getAttribute('data-sec', { timeout: 1_000 })
          .catch(() => null),
      ];
      if (a === '0' && sec !== null && sec !== '') shown.push(Number(sec));
      await sleep(300);
    }
    expect(shown.length, 'ETAs shown while next in line').toBeGreaterThan(3);
    for (let i = 1; i < shown.length; i++) expect(shown[i], `ETAs shown: ${shown.join(', ')}`).toBeLessThanOrEqual(shown[i - 1]!);
    expect((await me(absent, ev.eventId)).state).toBe('expired');
  }, 240_000);

  it('pages - a buyer who left rejoins from the page at the back, once; a reload keeps the new place', async () => {
    const ev = await publishEvent(api, organizer, admin, { name: 'Rejoin sale', classes: [{ total: 20 }], waitroom: { maxConcurrent: 1 } });
    const holder = await signUp(api, 'holder');
    expect((await join(holder, ev.eventId)).state).toBe('admitted');
    const { page } = b; // signed in by the test above
    await page.goto(`${s.url}/events/${ev.eventId}/queue`);
    const position = page.getByTestId('position');
    const ahead = page.getByTestId('ahead');
    await expect.poll(() => position.textContent(), { timeout: 20_000 }).toBe('2');
    const later = await signUp(api, 'later');
    expect(await join(later, ev.eventId)).toMatchObject({ state: 'queued', position: 3 });

    await page.getByRole('button', { name: 'Leave the waiting room' }).click();
    await page.getByRole('heading', { name: 'You left the waiting room' }).waitFor({ timeout: 20_000 });
    expect(await joined(ev.eventId)).toBe(3);

    await page.getByRole('button', { name: 'Join again (at the back)' }).click();
    // A new place behind the buyer who joined meanwhile; the old place is skipped.
    await expect.poll(() => position.textContent(), { timeout: 20_000 }).toBe('4');
    await expect.poll(() => ahead.textContent()).toBe('1');
    expect(await joined(ev.eventId)).toBe(4);

    await page.reload();
    await expect.poll(() => position.textContent(), { timeout: 20_000 }).toBe('4');
    await until(async () => (await page.locator('[data-link]').getAttribute('data-link')) === 'connected', 'reconnected after the reload');
    expect(await joined(ev.eventId)).toBe(4);
  }, 180_000);
});
