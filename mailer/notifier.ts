/**
 * @module mailer/notifier
 * Order mails: a durable consumer `order-notifications` on `tb.evt.order.>` that mails the buyer
 * an order confirmation (`order.completed`, with the link to the order's tickets), a refund notice
 * when money of the order starts going back (`order.refundRequested` of an order now
 * REFUND_PENDING) and when it is back (`order.refunded`), in the buyer's language. Invariants: a
 * message is acked after its mail was handed to the transport (or when there is nothing to send:
 * other events, a deleted account); a failed send is redelivered. Each mail goes out once per
 * order and kind (`orderMailKeyOf`, claimed in `mail_sends` before sending: `ledger.ts`), so a
 * redelivered or republished event, a retry or a restarted notifier sends nothing twice; a
 * redelivery while another notifier is still sending it waits and looks again.
 */
import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { EVENTS_ROOT } from '../contracts/index.js';
import { OrderEventSchemas, decodeEvent } from '../contracts/events/index.js';
import { users, withDbErrors, type Db } from '../db/index.js';
import { settle, startDurableConsumer, type DurableConsumer } from '../platform/index.js';
import { sendOnce } from './ledger.js';
import { supportedLocale } from './locale.js';
import { renderMail } from './templates.js';
import type { MailMessage, Mailer } from './types.js';

/** Durable name of the notifier. */
export const ORDER_NOTIFIER_CONSUMER = 'order-notifications';

/** What the notifier needs. */
export interface OrderNotifierOptions {
  nc: NatsConnection;
  db: Db;
  mailer: Mailer;
  log: Logger;
  /** Base of the links in mails (`TB_PUBLIC_BASE_URL`). */
  publicBaseUrl: string;
  retryDelayMs?: number;
  name?: string;
  /** How long another notifier's unfinished claim stands (`MAIL_CLAIM_LEASE_MS`). */
  claimLeaseMs?: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The mail an order event asks for, given the buyer; undefined for events that mail nothing. Pure. */
export function orderMailOf(
  body: unknown,
  buyer: { email: string; displayName: string; locale: string },
  publicBaseUrl: string,
): MailMessage | undefined {
  if (!isObj(body) || !isObj(body['data'])) return undefined;
  const d = body['data'];
  const order = isObj(d['order']) ? d['order'] : undefined;
  if (!order) return undefined;
  const locale = supportedLocale(buyer.locale) ?? 'en';
  const orderCode = String(order['code'] ?? '');
  const base = publicBaseUrl.replace(/\/+$/, '');
  switch (body['type']) {
    case 'order.completed': {
      const lines = Array.isArray(order['lines'])
        ? order['lines'].filter(isObj).map((l) => ({ classId: String(l['classId']), quantity: Number(l['quantity']) }))
        : [];
      return renderMail('orderConfirmation', locale, buyer.email, {
        name: buyer.displayName,
        orderCode,
        eventId: String(order['eventId'] ?? ''),
        totalMinor: Number(order['totalMinor'] ?? 0),
        currency: String(order['currency'] ?? ''),
        lines,
        ticketsLink: `${base}/api/v1/orders/${encodeURIComponent(String(order['orderId']))}/tickets`,
      });
    }
    case 'order.refundRequested':
      if (order['status'] !== 'REFUND_PENDING') return undefined; // a second payment's refund: the order itself stands
      return renderMail('refundPending', locale, buyer.email, {
        name: buyer.displayName,
        orderCode,
        amountMinor: Number(d['amountMinor'] ?? 0),
        currency: String(d['currency'] ?? ''),
        reason: String(d['reason'] ?? ''),
      });
    case 'order.refunded':
      return renderMail('refunded', locale, buyer.email, {
        name: buyer.displayName,
        orderCode,
        amountMinor: Number(d['amountMinor'] ?? 0),
        currency: String(d['currency'] ?? ''),
        reason: String(d['reason'] ?? ''),
      });
    default:
      return undefined;
  }
}

/** The key a mail of this order event is sent once under: `order:<orderId>:<mail>`; undefined when it mails nothing. Pure. */
export function orderMailKeyOf(body: unknown): string | undefined {
  if (!isObj(body) || !isObj(body['data']) || !isObj(body['data']['order'])) return undefined;
  const orderId = body['data']['order']['orderId'];
  const mail = (
    { 'order.completed': 'orderConfirmation', 'order.refundRequested': 'refundPending', 'order.refunded': 'refunded' } as Record<
      string,
      string
    >
  )[String(body['type'])];
  return typeof orderId === 'string' && orderId && mail ? `order:${orderId}:${mail}` : undefined;
}

const MAILED = new Set(['order.completed', 'order.refundRequested', 'order.refunded']);

/** Start the notifier. Never throws after start. */
export function startOrderNotifier(o: OrderNotifierOptions): DurableConsumer {
  const log = o.log.child({ module: 'order-notifications' });
  const retry = o.retryDelayMs ?? 5_000;
  const one = async (m: JsMsg) => {
    const decoded = decodeEvent(m.data, m.headers, OrderEventSchemas);
    if (!decoded.ok) {
      settle.term(m);
      return;
    }
    const body = decoded.event;
    if (!MAILED.has(body.type)) {
      settle.ack(m);
      return;
    }
    const userId = String(body.data['userId'] ?? '');
    try {
      const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
      const [buyer] = UUID.test(userId) ? await withDbErrors(() => o.db.select().from(users).where(eq(users.id, userId))) : [];
      const mail = buyer && !buyer.deletedAt ? orderMailOf(body, buyer, o.publicBaseUrl) : undefined;
      const key = orderMailKeyOf(body);
      if (mail && key && (await sendOnce(o.db, o.mailer, key, mail, o.claimLeaseMs)) === 'inProgress') {
        settle.nak(m, retry); // another notifier is sending it: look again later
        return;
      }
      settle.ack(m);
    } catch (err) {
      log.warn({ err, seq: m.seq, subject: m.subject }, 'order mail not sent yet; will be redelivered');
      settle.nak(m, retry);
    }
  };
  return startDurableConsumer({
    nc: o.nc,
    name: o.name ?? ORDER_NOTIFIER_CONSUMER,
    filter: `${EVENTS_ROOT}.order.>`,
    log,
    batchSize: 64,
    handle: async (msgs) => {
      await Promise.all(msgs.map(one));
    },
  });
}
