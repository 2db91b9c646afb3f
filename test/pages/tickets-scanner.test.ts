/**
 * @module test/pages/tickets-scanner.test
 * My tickets and the door scanner in a real browser (Debian's chromium through playwright-core)
 * against the REAL stack (test/e2e/stack.ts: gateway, actor nodes, workers and the tickets
 * process, PostgreSQL, NATS).
 * (a) A buyer goes from the event page through the queue behind other buyers (played over the
 *     API), is admitted, pays with the sandbox and finds the tickets on My tickets: QR codes drawn
 *     in the browser, rotating (the event rotates every 5 s) with the code the server derives, and
 *     accepted at the door; the PDF download is application/pdf.
 * (b) The scanner page reads a ticket's QR PNG through Chromium's fake camera (a Y4M file made
 *     from the PNG): green, then red "already checked in" the second time; offline it refuses a
 *     forged code on the device, admits a valid one and syncs it when the network is back.
 * (c) axe-core finds no serious or critical violation on either page. Screenshots go to
 *     docs/screenshots/ (my-tickets.png, scanner.png).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { otpOf } from '../../tickets/codes.js';
import { apiFor, grantPlatformAdmin, publishEvent, sandboxPay, signUp, until, waitOrder, type Api, type User } from '../e2e/client.js';
import { startE2EStack, type E2EStack } from '../e2e/stack.js';
import { SCREENSHOTS, openBrowser, type Browser } from './browser.js';
import { PASSWORD, axeChecker, queueHelpers, signUpInBrowser } from './helpers.js';
import { pngToY4m } from './y4m.js';

let s: E2EStack;
let api: Api;
let organizer: User;
let admin: User;
const browsers: Browser[] = [];
const axeFindings: Record<string, unknown> = {};
const tmp = mkdtempSync(joinPath(tmpdir(), 'tb-scan-'));
const { join, takeTurnAndLeave, takeTurnAndBuy } = queueHelpers(() => api);
const checkAxe = axeChecker(axeFindings);

interface Ticket {
  ticketId: string;
  orderId: string;
  eventId: string;
  status: string;
  checkedIn?: { at: number; gate: string };
}
interface Detail extends Ticket {
  code: string;
  rotating?: { secret: string; periodSeconds: number };
}

/** Buy `quantity` tickets of an event without a waiting room, pay with the sandbox, wait for the tickets. */
async function buyTickets(u: User, eventId: string, classId: string, quantity: number): Promise<Ticket[]> {
  const order = await api<{ orderId: string; code: string }>('POST', '/api/v1/orders', {
    token: u.token,
    key: `buy-${u.id}-${eventId}`,
    body: { eventId, lines: [{ classId, quantity }] },
  });
  expect(order.status).toBe(201);
  await sandboxPay(api, u.token, order.body.code, 'completed');
  await waitOrder(api, u, order.body.orderId, (o) => o.status === 'COMPLETED', 'order COMPLETED');
  return until(
    async () => {
      const r = await api<{ tickets: Ticket[] }>('GET', `/api/v1/orders/${order.body.orderId}/tickets`, { token: u.token });
      return r.status === 200 && r.body.tickets.length === quantity ? r.body.tickets : undefined;
    },
    'tickets issued',
    30_000,
    200,
  );
}

async function signIn(page: Page, u: User, next: string): Promise<void> {
  await page.goto(`${s.url}/signin?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email').fill(u.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((x) => x.pathname === next);
}

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
  if (Object.keys(axeFindings).length)
    console.info(`tickets pages - axe findings (minor/moderate allowed): ${JSON.stringify(axeFindings)}`);
  await s?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('tickets pages', () => {
  it('my tickets - a buyer queues behind others, pays with the sandbox and sees rotating QR codes the door accepts, and the PDF', async () => {
    const ev = await publishEvent(api, organizer, admin, {
      name: 'Ticket night',
      classes: [{ name: 'Standing', total: 20, priceMinor: 250_000, maxPerOrder: 4 }],
      waitroom: { maxConcurrent: 1 },
      config: { rotatingCodes: true, codePeriodSeconds: 5 },
    });
    const others = [await signUp(api, 'ahead'), await signUp(api, 'ahead'), await signUp(api, 'ahead')];
    for (const u of others) await join(u, ev.eventId);

    const b = await openBrowser({ viewport: { width: 1000, height: 1100 } });
    browsers.push(b);
    const { page } = b;
    await signUpInBrowser(page, s.url, `/events/${ev.eventId}`, 'ticketbuyer', checkAxe);
    await page.getByRole('link', { name: 'Join the waiting room' }).click();
    await page.waitForURL((u) => u.pathname === `/events/${ev.eventId}/queue`);
    await expect.poll(() => page.getByTestId('position').textContent(), { timeout: 20_000 }).toBe('4');

    await takeTurnAndBuy(others[0]!, ev.eventId, ev.classIds[0]!, 1);
    for (const u of others.slice(1)) await takeTurnAndLeave(u, ev.eventId);

    await page.getByRole('heading', { name: 'It is your turn!' }).waitFor({ timeout: 60_000 });
    await page.getByRole('spinbutton').fill('2');
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL(/\/sandbox\/pay\/|\/api\/v1\/payments\/sandbox\/pay/, { timeout: 30_000 });
    await page.locator('#pay').click();
    await page.waitForURL(/\/orders\/ord_/, { timeout: 30_000 });
    await page.locator('[data-status="COMPLETED"]').waitFor({ timeout: 60_000 });
    const orderId = new URL(page.url()).pathname.split('/').pop()!;

    // From the order page to My tickets: both tickets of the order, each with its QR code.
    await page.getByRole('link', { name: 'See your tickets' }).click();
    await page.waitForURL((u) => u.pathname === '/tickets');
    const qrs = page.getByTestId('ticket-qr');
    await expect
      .poll(() => qrs.count(), { timeout: 30_000 })
      .toBe(2)
      .catch(async (e: Error) => {
        throw new Error(`${e.message}\nthe page said: ${await page.locator('main').textContent()}`);
      });
    expect(await page.locator(`[data-ticket^="${orderId}-"]`).count()).toBe(2);
    expect(await qrs.first().getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    expect(await page.getByTestId('ticket-status').first().textContent()).toBe('Valid');
    await checkAxe(page, 'my-tickets');
    await page.screenshot({ path: `${SCREENSHOTS}my-tickets.png`, fullPage: true });

    // The code on the screen is the server's derivation (static code + step + HMAC of the step
    // under the ticket's secret), and it changes at the next period.
    const token = (await page.evaluate('JSON.parse(sessionStorage.getItem("tb.session")).accessToken')) as string;
    const first = page.locator(`[data-ticket="${orderId}-1"] [data-testid="ticket-qr"]`);
    const detail = (await api<Detail>('GET', `/api/v1/me/tickets/${orderId}-1`, { token })).body;
    expect(detail.rotating?.periodSeconds).toBe(5);
    const step0 = Number(await first.getAttribute('data-step'));
    expect(await first.getAttribute('data-code')).toBe(`${detail.code}.${step0}.${otpOf(detail.rotating!.secret, step0)}`);
    await expect.poll(async () => Number(await first.getAttribute('data-step')), { timeout: 30_000 }).toBeGreaterThan(step0);
    const step1 = Number(await first.getAttribute('data-step'));
    expect(await first.getAttribute('data-code')).toBe(`${detail.code}.${step1}.${otpOf(detail.rotating!.secret, step1)}`);

    // The door accepts the live code the browser drew; the static part alone is refused.
    const bare = await api<{ error: { code: string } }>('POST', `/api/v1/events/${ev.eventId}/check-ins`, {
      token: organizer.token,
      body: { code: detail.code, gate: 'North' },
    });
    expect([bare.status, bare.body.error.code]).toEqual([409, 'CHECKIN_CODE_EXPIRED']);
    const live = await first.getAttribute('data-code');
    const door = await api<{ ticketId: string; gate: string }>('POST', `/api/v1/events/${ev.eventId}/check-ins`, {
      token: organizer.token,
      body: { code: live, gate: 'North' },
    });
    expect([door.status, door.body.ticketId, door.body.gate]).toEqual([201, `${orderId}-1`, 'North']);

    // The PDF: fetched with the session (no token in a URL), application/pdf, a real PDF file.
    const second = page.locator(`[data-ticket="${orderId}-2"]`);
    const [response, download] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/v1/me/tickets/${orderId}-2/ticket.pdf`)),
      page.waitForEvent('download'),
      second.getByRole('button', { name: 'Download the PDF' }).click(),
    ]);
    expect([response.status(), response.headers()['content-type']]).toEqual([200, 'application/pdf']);
    expect(response.url()).not.toMatch(/token|access/i);
    expect(download.suggestedFilename()).toBe(`${orderId}-2.pdf`);
    expect(
      readFileSync((await download.path())!)
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    // The second ticket goes to a friend: it shows as given away, the friend holds the new one, and the old code is refused at the door.
    const friend = await signUp(api, 'friend');
    await second.getByText('Give this ticket to someone else').click();
    await second.getByLabel('Their user id').fill(friend.id);
    await second.getByRole('button', { name: 'Transfer' }).click();
    await expect.poll(() => second.getAttribute('data-status'), { timeout: 15_000 }).toBe('transferred');
    expect(await second.getByTestId('ticket-status').textContent()).toBe('Given to another account: this code no longer opens the door.');
    const friends = (await api<{ tickets: Ticket[] }>('GET', '/api/v1/me/tickets', { token: friend.token })).body.tickets;
    expect(friends.map((x) => [x.ticketId, x.status])).toEqual([[`${orderId}-2-t1`, 'valid']]);
    const oldCode = (await api<Detail>('GET', `/api/v1/me/tickets/${orderId}-2`, { token })).body;
    const step = Math.floor(Date.now() / 5000);
    const gone = await api<{ error: { code: string } }>('POST', `/api/v1/events/${ev.eventId}/check-ins`, {
      token: organizer.token,
      body: { code: `${oldCode.code}.${step}.${otpOf(oldCode.rotating!.secret, step)}`, gate: 'North' },
    });
    expect([gone.status, gone.body.error.code]).toEqual([409, 'CHECKIN_TICKET_VOIDED']);

    // After a reload the checked-in ticket says where it came in; no code is shown for either any more.
    await page.reload();
    const firstCard = page.locator(`[data-ticket="${orderId}-1"]`);
    await expect.poll(() => firstCard.getAttribute('data-status'), { timeout: 15_000 }).toBe('checkedIn');
    expect(await firstCard.getByTestId('ticket-status').textContent()).toMatch(/^Checked in at .+, gate North$/);
    expect(await page.locator(`[data-ticket="${orderId}-2"]`).getAttribute('data-status')).toBe('transferred');
    expect(await qrs.count()).toBe(0);

    // Vietnamese.
    await page.getByLabel('Language').selectOption('vi');
    await page.getByRole('heading', { name: 'Vé của tôi' }).waitFor();
    await checkAxe(page, 'my-tickets-vi');
  }, 360_000);

  it('scanner - checks a ticket in from its QR code on the camera, refuses it the second time, and works offline', async () => {
    const ev = await publishEvent(api, organizer, admin, { name: 'Door test', classes: [{ name: 'Floor', total: 10, maxPerOrder: 4 }] });
    const other = await publishEvent(api, organizer, admin, { name: 'Other night', classes: [{ name: 'Floor', total: 10 }] });
    const buyer = await signUp(api, 'holder');
    const [t1, t2] = await buyTickets(buyer, ev.eventId, ev.classIds[0]!, 2);
    const [t3] = await buyTickets(buyer, other.eventId, other.classIds[0]!, 1);
    const codeOf = async (t: Ticket) => (await api<Detail>('GET', `/api/v1/me/tickets/${t.ticketId}`, { token: buyer.token })).body.code;

    // The first ticket's QR PNG, as the camera will see it.
    const png = await fetch(`${s.url}/api/v1/me/tickets/${t1!.ticketId}/qr.png`, { headers: { authorization: `Bearer ${buyer.token}` } });
    expect([png.status, png.headers.get('content-type')]).toEqual([200, 'image/png']);
    const video = joinPath(tmp, 'ticket.y4m');
    pngToY4m(Buffer.from(await png.arrayBuffer()), video);

    const b = await openBrowser({
      viewport: { width: 1000, height: 1300 },
      args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
    });
    browsers.push(b);
    const { page } = b;
    const path = `/organizer/events/${ev.eventId}/scan`;
    await signIn(page, organizer, path);
    await page.getByRole('heading', { name: 'Door scanner' }).waitFor();
    // The signed list is downloaded and its signature checked on the device.
    await expect
      .poll(() => page.getByTestId('list-info').textContent(), { timeout: 20_000 })
      .toMatch(/^Tickets on the list: 2\. Downloaded at .+; signature checked/);
    await page.getByLabel('Gate').fill('East');
    const verdict = page.getByTestId('verdict');
    await checkAxe(page, 'scanner');

    await page.getByRole('button', { name: 'Start the camera' }).click();
    await expect.poll(() => verdict.getAttribute('data-verdict'), { timeout: 30_000 }).toBe('ok');
    expect(await verdict.textContent()).toMatch(new RegExp(`Welcome in.*Checked in at .+, gate East\\..*${t1!.ticketId}`));
    await checkAxe(page, 'scanner-green');
    await page.screenshot({ path: `${SCREENSHOTS}scanner.png`, fullPage: true });
    const held = (await api<{ tickets: Ticket[] }>('GET', '/api/v1/me/tickets', { token: buyer.token })).body.tickets.find(
      (x) => x.ticketId === t1!.ticketId,
    )!;
    expect([held.status, held.checkedIn?.gate]).toEqual(['checkedIn', 'East']);

    // The same QR code again: red, with when and where it came in.
    await page.getByRole('button', { name: 'Scan next' }).click();
    await expect.poll(() => verdict.getAttribute('data-verdict'), { timeout: 30_000 }).toBe('refused');
    expect(await verdict.textContent()).toMatch(/Refused.*Already checked in at .+ at gate East\./);
    await page.getByRole('button', { name: 'Stop the camera' }).click();

    // Typed codes: another event's ticket and a forged one are refused on the device.
    const manual = page.getByLabel('Ticket code (typed or pasted)');
    await manual.fill(await codeOf(t3!));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect.poll(() => verdict.textContent(), { timeout: 10_000 }).toContain('This ticket is for another event.');
    const genuine = await codeOf(t2!);
    const forged = genuine.slice(0, -3) + (genuine.endsWith('AAA') ? 'BBB' : 'AAA');
    await b.context.setOffline(true);
    await manual.fill(forged);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect.poll(() => verdict.textContent(), { timeout: 10_000 }).toContain('Forged or damaged code');

    // Offline, a genuine ticket on the signed list is let in and queued; back online it is synced.
    await manual.fill(genuine);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect.poll(() => verdict.getAttribute('data-verdict'), { timeout: 10_000 }).toBe('ok');
    expect(await verdict.textContent()).toContain('Checked in offline');
    expect(await page.getByTestId('pending').textContent()).toBe('Waiting to be synced: 1');
    const before = (await api<{ tickets: Ticket[] }>('GET', '/api/v1/me/tickets', { token: buyer.token })).body.tickets.find(
      (x) => x.ticketId === t2!.ticketId,
    )!;
    expect(before.status).toBe('valid');
    await b.context.setOffline(false);
    await expect.poll(() => page.getByTestId('pending').textContent(), { timeout: 30_000 }).toBe('Everything is synced.');
    const after = (await api<{ tickets: Ticket[] }>('GET', '/api/v1/me/tickets', { token: buyer.token })).body.tickets.find(
      (x) => x.ticketId === t2!.ticketId,
    )!;
    expect([after.status, after.checkedIn?.gate]).toEqual(['checkedIn', 'East']);

    // A gate of an event with rotating codes, offline: it derives each ticket's secret from the
    // signed list's event key, refuses a code three periods old and admits the live one.
    const rot = await publishEvent(api, organizer, admin, {
      name: 'Rotating door',
      classes: [{ name: 'Floor', total: 10 }],
      config: { rotatingCodes: true, codePeriodSeconds: 15 },
    });
    const [t4] = await buyTickets(buyer, rot.eventId, rot.classIds[0]!, 1);
    const d4 = (await api<Detail>('GET', `/api/v1/me/tickets/${t4!.ticketId}`, { token: buyer.token })).body;
    const codeAt = (step: number) => `${d4.code}.${step}.${otpOf(d4.rotating!.secret, step)}`;
    await page.goto(`${s.url}/organizer/events/${rot.eventId}/scan`);
    await expect.poll(() => page.getByTestId('list-info').textContent(), { timeout: 20_000 }).toMatch(/^Tickets on the list: 1\./);
    await b.context.setOffline(true);
    await manual.fill(codeAt(Math.floor(Date.now() / 15_000) - 3));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect.poll(() => verdict.textContent(), { timeout: 10_000 }).toContain('Old code: ask the holder to show the live code');
    await manual.fill(codeAt(Math.floor(Date.now() / 15_000)));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect.poll(() => verdict.getAttribute('data-verdict'), { timeout: 10_000 }).toBe('ok');
    expect(await verdict.textContent()).toContain('Checked in offline');
    await b.context.setOffline(false);
    await expect.poll(() => page.getByTestId('pending').textContent(), { timeout: 30_000 }).toBe('Everything is synced.');
    const rotHeld = (await api<{ tickets: Ticket[] }>('GET', '/api/v1/me/tickets', { token: buyer.token })).body.tickets.find(
      (x) => x.ticketId === t4!.ticketId,
    )!;
    expect(rotHeld.status).toBe('checkedIn');

    // A buyer who is not staff is told so by the scanner page.
    const stranger = await signUp(api, 'stranger');
    const b2 = await openBrowser();
    browsers.push(b2);
    await b2.page.goto(`${s.url}/signin?next=${encodeURIComponent(path)}`);
    await b2.page.getByLabel('Email').fill(stranger.email);
    await b2.page.getByLabel('Password').fill(PASSWORD);
    await b2.page.getByRole('button', { name: 'Sign in' }).click();
    await b2.page.getByText('You may not scan tickets of this event.').first().waitFor({ timeout: 20_000 });
  }, 360_000);
});
