/**
 * @module payments/raw-sql
 * The payment path's hot statements as prepared postgres.js queries (issue 12). drizzle's
 * postgres-js driver runs every query unprepared (parsed and planned again each time, an extra
 * round trip); these are prepared once per connection and do one step in one statement where
 * they can (a payment and its outbox row and NOTIFY; a callback's payment change, outbox row and
 * inbox outcome). They run on the same pool, and inside a drizzle transaction on its connection,
 * so every transaction boundary stays where it was.
 * Rules (docs/tickets.md): parameters are text, numbers, booleans, arrays and Buffers only, with
 * explicit casts — never a `Date` (postgres.js throws inside its socket handler on one and the
 * connection never answers again); times are `now()` on the server.
 */
import type { Sql, TransactionSql } from 'postgres';
import type { Db, PaymentOutboxRow, PaymentRow } from '../db/index.js';

/** A porsager client or transaction: what the statements run on. */
export type RawSql = Sql | TransactionSql;

/** The porsager client behind a drizzle handle (drizzle keeps it as `$client`, absent from `Db`'s type). */
export function rawClient(db: Db): Sql {
  const client = (db as Db & { $client?: Sql }).$client;
  if (!client) throw new Error('payments: the drizzle handle has no postgres.js client');
  return client;
}

/** The porsager transaction behind a drizzle postgres-js transaction (its session's client). */
export function rawTx(tx: unknown): TransactionSql {
  const client = (tx as { session?: { client?: TransactionSql } }).session?.client;
  if (!client) throw new Error('payments: the drizzle transaction has no postgres.js client');
  return client;
}

/** JSON for a `::jsonb` parameter (null stays SQL NULL). */
export const jsonParam = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

/** Bytes for a `::bytea` parameter. */
export const bytesParam = (v: Uint8Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const date = (v: unknown): Date => (v instanceof Date ? v : new Date(v as string));

/** A raw `payments` row (snake_case, bigint as text) as drizzle's `PaymentRow`. */
export function toPaymentRow(r: Record<string, unknown>): PaymentRow {
  return {
    id: r['id'] as string,
    orderId: r['order_id'] as string,
    orderCode: r['order_code'] as string,
    userId: r['user_id'] as string,
    amountMinor: num(r['amount_minor']),
    currency: r['currency'] as string,
    provider: r['provider'] as string,
    status: r['status'] as string,
    providerRef: (r['provider_ref'] as string | null) ?? null,
    providerTxnId: (r['provider_txn_id'] as string | null) ?? null,
    providerRequest: (r['provider_request'] as Record<string, unknown> | null) ?? null,
    providerResponse: (r['provider_response'] as Record<string, unknown> | null) ?? null,
    flags: (r['flags'] as PaymentRow['flags']) ?? {},
    version: num(r['version']),
    refundStatus: (r['refund_status'] as string | null) ?? null,
    refundedAmountMinor: num(r['refunded_amount_minor'] ?? 0),
    refundedAt: r['refunded_at'] ? date(r['refunded_at']) : null,
    createdAt: date(r['created_at']),
    updatedAt: date(r['updated_at']),
  };
}

/** A raw `payment_outbox` row as drizzle's `PaymentOutboxRow`. */
export function toOutboxRow(r: Record<string, unknown>): PaymentOutboxRow {
  const payload = r['payload'] as Buffer;
  return {
    id: r['id'] as string,
    msgId: r['msg_id'] as string,
    subject: r['subject'] as string,
    payload: new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength),
    headers: (r['headers'] as Record<string, string>) ?? {},
    createdAt: date(r['created_at']),
    publishedAt: r['published_at'] ? date(r['published_at']) : null,
    attempts: num(r['attempts']),
    lastError: (r['last_error'] as string | null) ?? null,
    nextAttemptAt: date(r['next_attempt_at']),
  };
}
