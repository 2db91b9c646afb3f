/**
 * @module test/security/checkout-helpers
 * What the checkout attack tests share: publishing an event with any configuration (private,
 * buyer limits, waitroom), buying through a chosen gateway, paying with a provider-signed sandbox
 * callback (what a real provider sends; independent of the sandbox pay page), reading a class.
 */
import { signSandboxCallback } from '../../payments/index.js';
import { expectStatus, type Api, type Res, type User } from '../e2e/client.js';
import { E2E_SANDBOX_SECRET } from '../e2e/stack.js';

export type Order = {
  orderId: string;
  code: string;
  status: string;
  totalMinor: number;
  currency: string;
  failureReason?: string;
  refundRequired?: boolean;
  lines: Array<{ classId: string; quantity: number; state: string }>;
  payment?: { status: string; paymentId: string };
};
export type Answer = Order & { error?: { code: string; details?: Record<string, unknown> } };

let seq = 0;
const key = () => `sec-${process.pid}-${Date.now().toString(36)}-${++seq}`;

/** Organizer creates, adds classes, configures (`config` over public defaults), the admin approves, the organizer publishes. */
export async function publishWith(
  api: Api,
  organizer: User,
  admin: User,
  plan: { classes: number[]; config?: Record<string, unknown> },
): Promise<{ eventId: string; classIds: string[] }> {
  const startsAt = Date.now() + 30 * 86_400_000;
  const ev = expectStatus(
    await api('POST', '/api/v1/events', {
      token: organizer.token,
      key: key(),
      body: { name: 'Security concert', startsAt, endsAt: startsAt + 3_600_000, categories: ['music'] },
    }),
    201,
    'create event',
  );
  const eventId = ev.eventId as string;
  const classIds: string[] = [];
  for (const [i, total] of plan.classes.entries()) {
    classIds.push(
      expectStatus(
        await api('POST', `/api/v1/events/${eventId}/ticket-classes`, {
          token: organizer.token,
          key: key(),
          body: { name: `Class ${i}`, priceMinor: 100_000, currency: 'VND', total, maxPerOrder: 100 },
        }),
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
        allowWaitRoom: false,
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

/** `POST /api/v1/orders` for one line through `api` (a given gateway). */
export function buy(
  api: Api,
  buyer: User,
  eventId: string,
  classId: string,
  quantity: number,
  o: { key?: string; checkoutToken?: string; headers?: Record<string, string> } = {},
): Promise<Res<Answer>> {
  return api<Answer>('POST', '/api/v1/orders', {
    token: buyer.token,
    key: o.key ?? key(),
    ...(o.headers ? { headers: o.headers } : {}),
    body: { eventId, lines: [{ classId, quantity }], ...(o.checkoutToken ? { checkoutToken: o.checkoutToken } : {}) },
  });
}

/** The provider's signed "paid" callback for `order` (as a real provider would send it). */
export async function payByCallback(
  api: Api,
  order: Pick<Order, 'code' | 'totalMinor'>,
  txn = `sec-${order.code}-${Date.now()}`,
): Promise<void> {
  const signed = signSandboxCallback(E2E_SANDBOX_SECRET, {
    providerTxnId: txn,
    orderCode: order.code,
    amountMinor: order.totalMinor,
    currency: 'VND',
    outcome: 'completed',
    paidAt: Date.now(),
  });
  expectStatus(
    await api('POST', '/api/v1/payments/sandbox/callback', { raw: signed.body, headers: signed.headers }),
    200,
    'signed callback',
  );
}

/** A class's counters as its organizer reads them. */
export async function classOf(
  api: Api,
  organizer: User,
  classId: string,
): Promise<{ total: number; sold: number; reserved: number; available: number }> {
  return expectStatus(await api('GET', `/api/v1/ticket-classes/${classId}`, { token: organizer.token }), 200, 'read class');
}

/** `[status, error code]` of an answer, for one-line assertions. */
export const codeOf = (r: Res<Answer>): [number, string | undefined] => [r.status, r.body?.error?.code];
