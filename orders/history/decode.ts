/**
 * @module orders/history/decode
 * Pure helpers shared by both history stores and the projector: decoding an `order.*` event
 * (msgpack `DomainEventMessage` whose `data.order` is the order view) into an
 * `OrderHistoryEvent`, the opaque page cursor, and the rule of what counts as sold.
 * Invariant: anything malformed is reported (`poison`), never half-applied.
 */
import { TbError } from '../../contracts/index.js';
import { decodeEvent, type HeaderReader } from '../../contracts/events/index.js';
import type { OrderHistoryEvent, OrderLineView, OrderView } from './types.js';

/** Order statuses that still hold tickets unpaid (what cancelling an event must end). */
export const OPEN_STATUSES: readonly string[] = ['CREATING', 'RESERVING', 'PENDING'];
/** The order status that counts as a sale (together with `refundRequired` false). */
export const SOLD_STATUS = 'COMPLETED';
/** Line states of a COMPLETED order that were not sold after all (`lost`: the hold was gone, refund). */
export const UNSOLD_LINE_STATES: readonly string[] = ['lost', 'released', 'refused'];
/** Page size bounds of `listForUser`. */
export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

/** What a message on `tb.evt.order.>` turned out to be. */
export type DecodedOrderMessage =
  | { kind: 'event'; event: OrderHistoryEvent; requestId?: string }
  | { kind: 'ignored'; type: string }
  | { kind: 'poison'; reason: string };

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 256;
const int = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

function line(v: unknown): OrderLineView | undefined {
  if (!isObj(v) || !str(v['classId']) || !int(v['quantity']) || !int(v['unitPriceMinor'])) return undefined;
  return {
    classId: v['classId'],
    quantity: v['quantity'],
    unitPriceMinor: v['unitPriceMinor'],
    currency: String(v['currency'] ?? ''),
    state: String(v['state'] ?? 'unknown'),
  };
}

/** Validate an order view; undefined when a required field is missing or mistyped. */
export function parseOrderView(v: unknown): OrderView | undefined {
  if (!isObj(v)) return undefined;
  const { orderId, code, userId, eventId, status, totalMinor, currency, createdAt, updatedAt } = v;
  // `currency` is '' until the first line is priced (an order is created before any reserve).
  if (!str(orderId) || !str(code) || !str(userId) || !str(eventId) || !str(status) || !int(totalMinor) || typeof currency !== 'string')
    return undefined;
  if (!int(createdAt) || !int(updatedAt) || !Array.isArray(v['lines'])) return undefined;
  const lines = v['lines'].map(line);
  if (lines.some((l) => l === undefined)) return undefined;
  return {
    orderId,
    code,
    userId,
    eventId,
    status: status.toUpperCase(),
    totalMinor,
    currency,
    createdAt,
    updatedAt,
    lines: lines as OrderLineView[],
    payment: isObj(v['payment']) ? v['payment'] : null,
    failureReason: typeof v['failureReason'] === 'string' ? v['failureReason'] : null,
    refundRequired: v['refundRequired'] === true,
  };
}

/** Decode one `TB_EVENTS` message of kind `order`. Never throws. */
export function decodeOrderMessage(subject: string, data: Uint8Array, headers?: HeaderReader): DecodedOrderMessage {
  const decoded = decodeEvent(data, headers);
  if (!decoded.ok) return { kind: 'poison', reason: decoded.reason };
  const body = decoded.event;
  const type = body.type;
  const payload = body.data;
  if (!isObj(payload['order'])) return { kind: 'ignored', type };
  const order = parseOrderView(payload['order']);
  if (!order) return { kind: 'poison', reason: `${type}: data.order is not an order view` };
  if (!subject.includes(`.${order.orderId}.`)) return { kind: 'poison', reason: 'subject and order id differ' };
  const version = body.seq;
  const n = body.n;
  const requestId = body.requestId;
  return { kind: 'event', event: { type, order, version, n }, ...(requestId ? { requestId } : {}) };
}

/** The sort key after which the next page of a user's orders starts (newest first). */
export interface PageKey {
  createdAt: number;
  orderId: string;
}

/** Encode a page key as an opaque cursor. */
export function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify({ c: key.createdAt, i: key.orderId }), 'utf8').toString('base64url');
}

/** Decode a cursor from `encodeCursor`; throws `HISTORY_INVALID_CURSOR` for anything else. */
export function decodeCursor(cursor: string): PageKey {
  const bad = () => new TbError('HISTORY_INVALID_CURSOR', { reason: 'not a cursor' });
  if (cursor.length > 256 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let b: unknown;
  try {
    b = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!isObj(b) || !int(b['c']) || b['c'] < 0 || typeof b['i'] !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(b['i'])) throw bad();
  return { createdAt: b['c'], orderId: b['i'] };
}

/** Clamp a requested page size. */
export function pageSize(limit: number | undefined): number {
  return Math.min(MAX_PAGE, Math.max(1, Math.trunc(limit ?? DEFAULT_PAGE)));
}

/** For a batch: the newest event per order (the only one worth writing). */
export function newestPerOrder(events: readonly OrderHistoryEvent[]): OrderHistoryEvent[] {
  const best = new Map<string, OrderHistoryEvent>();
  for (const e of events) {
    const cur = best.get(e.order.orderId);
    if (!cur || e.version > cur.version || (e.version === cur.version && e.n > cur.n)) best.set(e.order.orderId, e);
  }
  return [...best.values()];
}
