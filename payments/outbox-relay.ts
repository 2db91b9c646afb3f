/**
 * @module payments/outbox-relay
 * The payment outbox: `enqueueEvent` writes an event row inside the caller's transaction, and
 * `startOutboxRelay` publishes due rows to JetStream with `Nats-Msg-Id = msg_id`.
 * Invariants (see docs/payments-outbox.md):
 * - A row is claimed with `FOR UPDATE SKIP LOCKED` inside one transaction that publishes it and
 *   marks it, so several relays never hold the same row, and a relay that dies mid-batch releases
 *   its rows at once (PostgreSQL aborts its transaction) for a re-publish under the same msg id.
 * - `published_at` is set only after the PubAck; a failure bumps `attempts`, records
 *   `last_error` and delays `next_attempt_at` (exponential backoff with jitter, capped below a
 *   quarter of the stream's duplicate window, so every re-publish lands inside that window).
 * - A row older than half the window may have been stored before its window lapsed: it is looked
 *   up on the stream (last message of its subject) before it is published again.
 */
import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Sql } from 'postgres';
import { Counter, Gauge, Registry, type Metric } from 'prom-client';
import { EVENTS_STREAM, Format, eventSubject } from '../contracts/index.js';
import { encodeEvent, eventHeaders } from '../contracts/events/index.js';
import type { Db, PaymentOutboxRow } from '../db/index.js';
import { backoffDelay, sleep } from '../platform/index.js';
import { bytesParam, jsonParam, rawClient, rawTx, toOutboxRow } from './raw-sql.js';
import { PAYMENT_KIND, type Payment, type PaymentEventType, type PaymentEventMessage } from './types.js';

/** The LISTEN/NOTIFY channel a committed outbox insert notifies. */
export const OUTBOX_CHANNEL = 'tb_payment_outbox';

/** A drizzle transaction (what `db.transaction` hands its callback). */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** What one payment event says beyond the payment itself. */
export interface EnqueueOptions {
  /** `Nats-Msg-Id`; default the new row's id. */
  msgId?: string;
  requestId?: string;
  /** Merged into `data` after the payment's fields. */
  extra?: Record<string, unknown>;
}

/** The outbox row announcing `type` about `payment` (already updated): id, msg id, subject, body, headers. */
export function paymentEventRow(
  payment: Payment,
  type: PaymentEventType,
  opts: EnqueueOptions = {},
): { id: string; msgId: string; subject: string; payload: Uint8Array; headers: Record<string, string> } {
  const id = randomUUID();
  const at = Date.now();
  const data: Record<string, unknown> = {
    paymentId: payment.id,
    orderId: payment.orderId,
    orderCode: payment.orderCode,
    userId: payment.userId,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    provider: payment.provider,
    status: payment.status,
    ...(payment.providerTxnId ? { providerTxnId: payment.providerTxnId } : {}),
    ...opts.extra,
  };
  const body: PaymentEventMessage = { type, kind: PAYMENT_KIND, id: payment.orderCode, seq: payment.version, n: 0, at, data };
  // content-type names the codec (msgpack); the type header lets a consumer filter without decoding.
  const headers = eventHeaders(type, Format.Msgpack, opts.requestId);
  if (opts.requestId) body.requestId = opts.requestId;
  return { id, msgId: opts.msgId ?? id, subject: eventSubject(PAYMENT_KIND, payment.orderCode, type), payload: encodeEvent(body), headers };
}

/**
 * Write event `type` about `payment` (already updated) into the outbox inside `tx`, and NOTIFY
 * the relays (delivered at commit), in one prepared statement. Subject
 * `tb.evt.payment.<orderCode>.<name>`, body a `PaymentEventMessage` (msgpack). Resolves false
 * when a row with the same msg id exists.
 */
export async function enqueuePaymentEvent(tx: Tx, payment: Payment, type: PaymentEventType, opts: EnqueueOptions = {}): Promise<boolean> {
  const row = paymentEventRow(payment, type, opts);
  const [r] = await rawTx(tx)`
    with ev as (
      insert into payment_outbox (id, msg_id, subject, payload, headers)
      values (${row.id}::uuid, ${row.msgId}::text, ${row.subject}::text, ${bytesParam(row.payload)}::bytea, ${jsonParam(row.headers)}::jsonb)
      on conflict (msg_id) do nothing returning id
    ), n as (select pg_notify(${OUTBOX_CHANNEL}::text, '') from ev)
    select (select count(*) from ev)::int as inserted, (select count(*) from n)::int as notified`;
  return Number(r?.['inserted'] ?? 0) > 0;
}

/** The relay's metric objects (shared when several relays use one registry). */
interface RelayMetrics {
  published: Counter<'result'>;
  failures: Counter;
  batches: Counter;
}

function reuse<T extends Metric>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** Register (or find) the relay metrics; the pending gauge counts unpublished rows when scraped. */
function createRelayMetrics(db: Db, registry: Registry = new Registry()): RelayMetrics {
  const registers = [registry];
  reuse(
    registry,
    'tb_payment_outbox_pending',
    () =>
      new Gauge({
        name: 'tb_payment_outbox_pending',
        help: 'Payment outbox rows not yet published',
        registers,
        async collect() {
          const rows = await db
            .execute(sql`select count(*)::int as n from payment_outbox where published_at is null`)
            .catch(() => undefined);
          if (rows) this.set(Number((rows as unknown as { n: number }[])[0]?.n ?? 0));
        },
      }),
  );
  return {
    published: reuse(
      registry,
      'tb_payment_outbox_published_total',
      () =>
        new Counter({
          name: 'tb_payment_outbox_published_total',
          help: 'Payment outbox rows acknowledged by JetStream (result=duplicate: a re-publish the stream dropped)',
          labelNames: ['result'],
          registers,
        }),
    ),
    failures: reuse(
      registry,
      'tb_payment_outbox_failures_total',
      () =>
        new Counter({
          name: 'tb_payment_outbox_failures_total',
          help: 'Payment outbox publish attempts that failed (retried with backoff)',
          registers,
        }),
    ),
    batches: reuse(
      registry,
      'tb_payment_outbox_batches_total',
      () =>
        new Counter({
          name: 'tb_payment_outbox_batches_total',
          help: 'Claim transactions committed by the payment relay',
          registers,
        }),
    ),
  };
}

/** What `startOutboxRelay` needs; every duration in ms. */
export interface OutboxRelayOptions {
  db: Db;
  nc: NatsConnection;
  log: Logger;
  /** Most rows claimed per transaction (default 100). */
  batchSize?: number;
  /** Poll period when no NOTIFY arrives (default 1000); 5 s once idle with nothing unpublished while listening. */
  pollMs?: number;
  /** Where the `tb_payment_outbox_*` metrics go (default: a private registry). */
  registry?: Registry;
  /** PubAck wait per message (default 5000). */
  publishTimeoutMs?: number;
  /** First retry delay (default 500) and the cap (default 30000, lowered to window / 4). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** `idle_in_transaction_session_timeout` of a claim: a hung relay's rows free up after it (default 30000). */
  lockTimeoutMs?: number;
  /** The stream whose duplicate window bounds re-publishes (default `TB_EVENTS`). */
  stream?: string;
  /** The porsager client to LISTEN on (default: the one behind `db`). */
  listenClient?: Sql;
  /** @internal Test hook: runs after the batch's publishes, before they are marked. */
  beforeMark?: (msgIds: string[]) => Promise<void>;
}

/** Counters of one relay instance (tests; production reads the metrics). */
export interface RelayStats {
  published: number;
  /** PubAcks that said "duplicate": a re-publish the stream dropped. */
  duplicates: number;
  failures: number;
  batches: number;
}

/** A running relay. */
export interface OutboxRelay {
  /** Wake the relay now (as a NOTIFY does). */
  kick(): void;
  stats(): RelayStats;
  /** Stop claiming; the batch in flight finishes (bounded by 15 s). */
  stop(): Promise<void>;
}

/** Empty polls in a row before an idle, listening relay with nothing unpublished slows down. */
const QUIET_POLLS = 3;
/** The slow fallback poll of such a relay (a missed NOTIFY waits at most this long). */
const IDLE_FALLBACK_POLL_MS = 5_000;

/** Backoff before attempt `attempts + 1`: `base·2^(attempts-1)`, capped, with ±50 % jitter ("equal jitter"): the platform's one formula. */
export const backoffMs = backoffDelay;

/** The stream's duplicate window in ms (120000, the server default, when it cannot be read). */
async function duplicateWindowMs(jsm: JetStreamManager, stream: string, log: Logger): Promise<number> {
  try {
    return Math.round((await jsm.streams.info(stream)).config.duplicate_window / 1_000_000);
  } catch (err) {
    log.warn({ err, stream }, 'payment relay could not read the duplicate window; assuming 120 s');
    return 120_000;
  }
}

/** Start a relay; it never throws after start (failures are recorded on rows and logged). */
export function startOutboxRelay(o: OutboxRelayOptions): OutboxRelay {
  const log = o.log.child({ module: 'payment-relay' });
  const batchSize = o.batchSize ?? 100;
  const pollMs = o.pollMs ?? 1_000;
  const lockTimeoutMs = o.lockTimeoutMs ?? 30_000;
  const stream = o.stream ?? EVENTS_STREAM;
  const metrics = createRelayMetrics(o.db, o.registry);
  const stats: RelayStats = { published: 0, duplicates: 0, failures: 0, batches: 0 };
  const js: JetStreamClient = jetstream(o.nc);
  let jsm: JetStreamManager | undefined;
  let windowMs = 120_000;
  let capMs = o.backoffMaxMs ?? 30_000;
  let stopping = false;
  let woken = false;
  let wakeUp: (() => void) | undefined;
  const kick = () => {
    woken = true;
    wakeUp?.();
  };

  /** True when the stream already holds `row` (only asked for rows older than half the window). */
  const alreadyStored = async (row: PaymentOutboxRow): Promise<boolean> => {
    if (Date.now() - row.createdAt.getTime() < windowMs / 2 || !jsm) return false;
    const last = await jsm.streams.getMessage(stream, { last_by_subj: row.subject }).catch(() => null);
    return last?.header?.get('Nats-Msg-Id') === row.msgId;
  };

  const publishOne = async (row: PaymentOutboxRow): Promise<{ duplicate: boolean }> => {
    if (await alreadyStored(row)) return { duplicate: true };
    const h = natsHeaders();
    for (const [k, v] of Object.entries(row.headers)) h.set(k, v);
    const ack = await js.publish(row.subject, row.payload, { msgID: row.msgId, headers: h, timeout: o.publishTimeoutMs ?? 5_000 });
    return { duplicate: ack.duplicate };
  };

  /**
   * Claim, publish and mark one batch; resolves with the number of rows claimed. Prepared
   * postgres.js statements: the session timeout is set by the claim itself (begin, claim, mark,
   * commit: four round trips a batch).
   */
  const client = rawClient(o.db);
  const timeoutSetting = String(Math.max(1_000, Math.trunc(lockTimeoutMs)));
  const runBatch = () =>
    client.begin(async (tx) => {
      const claimed = await tx`
      with cfg as (select set_config('idle_in_transaction_session_timeout', ${timeoutSetting}::text, true))
      select o.* from payment_outbox o, cfg
      where o.published_at is null and o.next_attempt_at <= now()
      order by o.created_at limit ${batchSize}::int for update of o skip locked`;
      const rows = claimed.map((r) => toOutboxRow(r));
      if (rows.length === 0) return 0;
      // Issued in order on one connection, so the stream stores a batch in commit order.
      const results = await Promise.allSettled(rows.map(publishOne));
      const ok = rows.filter((_, i) => results[i]!.status === 'fulfilled');
      await o.beforeMark?.(ok.map((r) => r.msgId));
      if (ok.length > 0) {
        await tx`update payment_outbox set published_at = now(), last_error = null where id = any(${ok.map((r) => r.id)}::uuid[])`;
      }
      for (const [i, r] of results.entries()) {
        if (r.status === 'fulfilled') {
          if (r.value.duplicate) stats.duplicates++;
          continue;
        }
        const row = rows[i]!;
        const err = r.reason as Error;
        const delay = backoffMs(row.attempts + 1, o.backoffBaseMs ?? 500, capMs);
        await tx`
        update payment_outbox set attempts = attempts + 1,
          last_error = ${`${err?.name ?? 'Error'}: ${err?.message ?? String(err)}`.slice(0, 500)}::text,
          next_attempt_at = now() + make_interval(secs => ${delay / 1_000}::float8)
        where id = ${row.id}::uuid`;
      }
      const failed = rows.length - ok.length;
      stats.published += ok.length;
      stats.failures += failed;
      stats.batches++;
      metrics.published.inc({ result: 'new' }, ok.length - results.filter((r) => r.status === 'fulfilled' && r.value.duplicate).length);
      metrics.published.inc({ result: 'duplicate' }, results.filter((r) => r.status === 'fulfilled' && r.value.duplicate).length);
      if (failed > 0) {
        metrics.failures.inc(failed);
        const first = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
        log.warn({ err: first.reason, failed, claimed: rows.length }, 'payment outbox publish failed; will retry with backoff');
      }
      metrics.batches.inc();
      return rows.length;
    });

  const idle = async (ms: number) => {
    if (woken || stopping) {
      woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wakeUp = () => {
        clearTimeout(t);
        resolve();
      };
    });
    wakeUp = undefined;
    woken = false;
  };

  /** True while any row is unpublished (due now or later, or claimed by a batch in flight). */
  const anyUnpublished = async () => {
    const [r] = await client`select exists(select 1 from payment_outbox where published_at is null) as any`;
    return r?.['any'] === true;
  };

  let unlisten: (() => Promise<void>) | undefined;
  const loop = (async () => {
    jsm = await jetstreamManager(o.nc).catch(() => undefined);
    if (jsm) windowMs = await duplicateWindowMs(jsm, stream, log);
    capMs = Math.max(1, Math.min(capMs, Math.floor(windowMs / 4)));
    try {
      // drizzle's postgres-js handle carries its porsager client as `$client` (absent from `Db`'s type).
      const client = o.listenClient ?? (o.db as Db & { $client?: Sql }).$client;
      if (!client) throw new Error('no postgres client to LISTEN on');
      const meta = await client.listen(OUTBOX_CHANNEL, kick);
      unlisten = () => meta.unlisten();
    } catch (err) {
      log.warn({ err }, 'payment relay could not LISTEN; polling only');
    }
    log.info({ batchSize, pollMs, duplicateWindowMs: windowMs, backoffCapMs: capMs }, 'payment relay started');
    let failures = 0;
    let quiet = 0;
    while (!stopping) {
      let wait = pollMs;
      try {
        const claimed = await runBatch();
        failures = 0;
        if (claimed >= batchSize) continue; // more may be due
        quiet = claimed > 0 ? 0 : quiet + 1;
        // Idle and listening, with no row left to publish (none due later, none held by another
        // relay's batch): only an insert can bring work, and its NOTIFY wakes the relay, so the
        // poll slows to a fallback (issue 12: polling every 200 ms cost the idle stack more
        // than anything but the nodes and nats-server).
        if (unlisten && quiet >= QUIET_POLLS && !(await anyUnpublished())) wait = Math.max(pollMs, IDLE_FALLBACK_POLL_MS);
      } catch (err) {
        failures++;
        log.warn({ err }, 'payment relay batch failed (database?); retrying');
        await sleep(backoffMs(failures, 200, 5_000));
        continue;
      }
      await idle(wait);
    }
  })();

  return {
    kick,
    stats: () => ({ ...stats }),
    async stop() {
      stopping = true;
      kick();
      await Promise.race([loop, sleep(15_000)]);
      await unlisten?.().catch(() => undefined);
    },
  };
}
