/**
 * @module test/e2e/client
 * A user's view of the running stack, HTTP only: JSON calls with a bearer token and an
 * Idempotency-Key, sign-up + sign-in, the organizer's path from a new event to PUBLISHED (create,
 * add ticket classes, configure, approve by a platform admin, publish), buying, paying through the
 * sandbox provider's API, and polling an order until it reaches a status. The one step that is
 * not HTTP is granting the platform admin role (an operator does that in the database).
 */
import type { DbHandle } from '../../db/index.js';

/** One answer: status and parsed JSON body. */
export interface Res<T = any> {
  status: number;
  body: T;
}

/** A signed-in user. */
export interface User {
  id: string;
  token: string;
  email: string;
}

let seq = 0;

/** `fetch` wrapper bound to one gateway URL. */
export function apiFor(base: string) {
  return async function api<T = any>(
    method: string,
    path: string,
    opts: { body?: unknown; token?: string; key?: string; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<Res<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
    if (opts.key) headers['idempotency-key'] = opts.key;
    const body = opts.raw ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed as T };
  };
}
export type Api = ReturnType<typeof apiFor>;

/** Fail with the answer when `res.status` is not `want`. */
export function expectStatus<T>(res: Res<T>, want: number, what: string): T {
  if (res.status !== want) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Register and sign in through the auth routes. */
export async function signUp(api: Api, prefix = 'buyer'): Promise<User> {
  const email = `${prefix}${++seq}.${process.pid}.${Date.now().toString(36)}@example.com`;
  const password = 'Blue-kettle-42-river';
  const reg = expectStatus(await api('POST', '/api/v1/auth/register', { body: { email, password, displayName: prefix } }), 201, 'register');
  const login = expectStatus(await api('POST', '/api/v1/auth/login', { body: { email, password } }), 200, 'login');
  return { id: reg.id, token: login.accessToken, email };
}

/** The operator's step: make `userId` a platform admin (roles are read fresh on every request). */
export async function grantPlatformAdmin(db: DbHandle, userId: string): Promise<void> {
  await db.sql`update users set platform_roles = array_append(platform_roles, 'admin') where id = ${userId} and not ('admin' = any(platform_roles))`;
}

/** What to sell. */
export interface EventPlan {
  name?: string;
  classes: Array<{ name?: string; total: number; priceMinor?: number; maxPerOrder?: number; maxHolds?: number }>;
  waitroom?: { maxConcurrent: number };
  /** More event configuration (e.g. `rotatingCodes`), set before publishing. */
  config?: Record<string, unknown>;
}

/** Organizer creates, adds classes, configures; the admin approves; the organizer publishes. */
export async function publishEvent(
  api: Api,
  organizer: User,
  admin: User,
  plan: EventPlan,
): Promise<{ eventId: string; classIds: string[] }> {
  const startsAt = Date.now() + 30 * 86_400_000;
  const key = () => `e2e-${process.pid}-${++seq}`;
  const ev = expectStatus(
    await api('POST', '/api/v1/events', {
      token: organizer.token,
      key: key(),
      body: { name: plan.name ?? 'E2E concert', startsAt, endsAt: startsAt + 3 * 3_600_000, categories: ['music'] },
    }),
    201,
    'create event',
  );
  const eventId = ev.eventId as string;
  const classIds: string[] = [];
  for (const [i, c] of plan.classes.entries()) {
    const body = {
      name: c.name ?? `Class ${i}`,
      priceMinor: c.priceMinor ?? 150_000,
      currency: 'VND',
      total: c.total,
      ...(c.maxPerOrder ? { maxPerOrder: c.maxPerOrder } : {}),
      ...(c.maxHolds ? { maxHolds: c.maxHolds } : {}),
    };
    classIds.push(
      expectStatus(
        await api('POST', `/api/v1/events/${eventId}/ticket-classes`, { token: organizer.token, key: key(), body }),
        201,
        'add class',
      ).classId,
    );
  }
  expectStatus(
    await api('PUT', `/api/v1/events/${eventId}/config`, {
      token: organizer.token,
      key: key(),
      body: {
        isPublic: true,
        requiresApproval: true,
        allowWaitRoom: !!plan.waitroom,
        ...(plan.waitroom ? { maxConcurrent: plan.waitroom.maxConcurrent } : {}),
        ticketSaleStartDate: Date.now() - 1_000,
        ticketSaleEndDate: startsAt,
        ...plan.config,
      },
    }),
    200,
    'configure',
  );
  expectStatus(await api('POST', `/api/v1/events/${eventId}/approve`, { token: admin.token, key: key() }), 200, 'approve');
  expectStatus(await api('POST', `/api/v1/events/${eventId}/publish`, { token: organizer.token, key: key() }), 200, 'publish');
  return { eventId, classIds };
}

/** Ask the sandbox provider (its API form) to pay or fail the order's payment as its owner (`token`); answers its result. */
export async function sandboxPay(
  api: Api,
  token: string,
  orderCode: string,
  outcome: 'completed' | 'failed' = 'completed',
  delayMs = 0,
): Promise<{ providerTxnId: string; callbackAt: number }> {
  return expectStatus(
    await api('POST', '/api/v1/payments/sandbox/pay', { token, body: { orderCode, outcome, delayMs } }),
    202,
    'sandbox pay',
  );
}

/** Poll `GET /api/v1/orders/:id` until `pred` holds. */
export async function waitOrder<T extends { status: string }>(
  api: Api,
  user: User,
  orderId: string,
  pred: (o: T) => boolean,
  what: string,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: Res<T> | undefined;
  for (;;) {
    last = await api<T>('GET', `/api/v1/orders/${orderId}`, { token: user.token });
    if (last.status === 200 && pred(last.body)) return last.body;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${last.status} ${JSON.stringify(last.body)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Poll `fn` until it answers something truthy. */
export async function until<T>(
  fn: () => Promise<T | undefined | false | null>,
  what: string,
  timeoutMs = 30_000,
  everyMs = 150,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
