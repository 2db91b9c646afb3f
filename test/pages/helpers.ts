/**
 * @module test/pages/helpers
 * What the page tests share: buyers played over the API around a browser buyer (join the queue,
 * take the turn and leave, take the turn and buy), the axe-core check that records findings and
 * refuses serious ones, and signing up in the browser.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { sandboxPay, until, waitOrder, type Api, type User } from '../e2e/client.js';
import { axeViolations, serious } from './browser.js';

export const PASSWORD = 'Blue-kettle-42-river';

export type QueueStatus = { state: string; position?: number; cursor: number; token?: string };

/** Queue calls over the API; `apiOf` answers the client once the stack is up. */
export function queueHelpers(apiOf: () => Api) {
  const me = async (u: User, eventId: string) =>
    (await apiOf()<QueueStatus>('GET', `/api/v1/events/${eventId}/queue/me`, { token: u.token })).body;
  const publicQueue = async (eventId: string) =>
    (await apiOf()<{ joined: number; cursor: number; slotsInUse: number; paused?: boolean }>('GET', `/api/v1/events/${eventId}/queue`))
      .body;
  const join = async (u: User, eventId: string) =>
    (await apiOf()<QueueStatus>('POST', `/api/v1/events/${eventId}/queue/join`, { token: u.token })).body;

  /** A buyer played over the API: wait for the turn (a poll claims it), then give the slot back. */
  async function takeTurnAndLeave(u: User, eventId: string): Promise<void> {
    await until(async () => (await me(u, eventId)).state === 'admitted', `${u.email} admitted`, 60_000, 200);
    const left = await apiOf()('POST', `/api/v1/events/${eventId}/queue/leave`, { token: u.token });
    expect(left.status).toBe(200);
  }

  /** A buyer played over the API: wait for the turn, buy `quantity` with the checkout token, pay through the sandbox API. */
  async function takeTurnAndBuy(u: User, eventId: string, classId: string, quantity: number): Promise<void> {
    const api = apiOf();
    const st = await until(
      async () => {
        const x = await me(u, eventId);
        return x.state === 'admitted' ? x : undefined;
      },
      `${u.email} admitted`,
      60_000,
      200,
    );
    const order = await api<{ orderId: string; code: string }>('POST', '/api/v1/orders', {
      token: u.token,
      key: `k-${u.id}`,
      body: { eventId, lines: [{ classId, quantity }], checkoutToken: st.token },
    });
    expect(order.status).toBe(201);
    await sandboxPay(api, u.token, order.body.code, 'completed');
    await waitOrder(api, u, order.body.orderId, (o) => o.status === 'COMPLETED', 'API buyer COMPLETED');
  }

  return { me, publicQueue, join, takeTurnAndLeave, takeTurnAndBuy };
}

/** An axe-core check that records every finding under `name` in `findings` and fails on serious or critical ones. */
export function axeChecker(findings: Record<string, unknown>) {
  return async function checkAxe(page: Page, name: string): Promise<void> {
    const found = await axeViolations(page);
    findings[name] = found.map((v) => `${v.impact} ${v.id}`);
    expect(serious(found), `${name}: ${JSON.stringify(serious(found), null, 1)}`).toEqual([]);
  };
}

/** Sign up in the browser (checking the sign-up page with `checkAxe`), landing on `next`. */
export async function signUpInBrowser(
  page: Page,
  baseUrl: string,
  next: string,
  name: string,
  checkAxe: (page: Page, name: string) => Promise<void>,
): Promise<void> {
  await page.goto(`${baseUrl}/signup?next=${encodeURIComponent(next)}`);
  await checkAxe(page, 'signup');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(`${name}.${Date.now().toString(36)}@example.com`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.waitForURL((u) => u.pathname === next);
}
