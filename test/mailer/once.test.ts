/**
 * @module test/mailer/once.test
 * Order mails go out once per order and kind on real NATS JetStream and PostgreSQL: the same
 * `order.completed` published twice (a republish under a new message id), redelivered after a
 * failed send, read by two notifiers at once and replayed from the start by a restarted notifier
 * (a new durable) sends one confirmation; the refund notices likewise; a send the transport
 * refused is retried and sent (the claim was given back).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { ensureInfra } from '../../actors/runtime/infra.js';
import { TbError, EVENTS_ROOT, EVENTS_STREAM, Format } from '../../contracts/index.js';
import { decodeEvent, encodeEvent, eventHeaders, OrderEventSchemas, type DomainEventMessage } from '../../contracts/events/index.js';
import type { OrderView } from '../../contracts/kinds/order.js';
import { createDb, mailSends, migrate, users, type DbHandle } from '../../db/index.js';
import { sendOnce, startOrderNotifier, type MailMessage } from '../../mailer/index.js';
import type { DurableConsumer } from '../../platform/index.js';
import { dropDatabase, testDatabaseUrl, throwawayName } from '../db/throwaway-db.js';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';

const until = async <T>(f: () => Promise<T | undefined> | T | undefined, what: string, ms = 20_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('mailer - each order mail exactly once', () => {
  let server: NatsServerHandle;
  let nc: NatsConnection;
  let db: DbHandle;
  let dbName: string;
  let userId: string;
  const log = pino({ level: 'silent' });
  const sent: MailMessage[] = [];
  let failNext = 0;
  const mailer = {
    async send(m: MailMessage) {
      if (failNext > 0) {
        failNext--;
        throw new TbError('MAIL_SEND_FAILED', { reason: 'test: transport down' });
      }
      await new Promise((r) => setTimeout(r, 20)); // a real transport takes a moment: two notifiers overlap
      sent.push(m);
    },
  };
  const notifiers: DurableConsumer[] = [];
  const start = (name: string) => {
    const n = startOrderNotifier({ nc, db: db.db, mailer, log, publicBaseUrl: 'http://tickets.example', retryDelayMs: 200, name });
    notifiers.push(n);
    return n;
  };
  let msgSeq = 0;
  const publish = async (orderId: string, type: string, extra: Record<string, unknown> = {}) => {
    const now = Date.now();
    const order: OrderView = {
      orderId,
      code: `C-${orderId}`,
      userId,
      eventId: 'ev_mail',
      status: type === 'order.refundRequested' ? 'REFUND_PENDING' : type === 'order.refunded' ? 'REFUNDED' : 'COMPLETED',
      totalMinor: 100_000,
      currency: 'VND',
      lines: [{ classId: 'ga', quantity: 2, unitPriceMinor: 50_000, currency: 'VND', state: 'confirmed' }],
      createdAt: now,
      updatedAt: now,
      expiresAt: now + 600_000,
    };
    // What the refund events carry besides the order (the contract's schemas check them).
    const refund = { refundId: `rf_${orderId}`, paymentId: `pay_${orderId}`, providerTxnId: `txn_${orderId}` };
    // A whole domain-event envelope, as the order actor's outbox publishes it (consumers check it).
    const body: DomainEventMessage = {
      type,
      kind: 'order',
      id: orderId,
      seq: ++msgSeq,
      n: 0,
      at: now,
      data: {
        type,
        orderId,
        userId,
        eventId: 'ev_mail',
        at: now,
        order,
        amountMinor: 100_000,
        currency: 'VND',
        reason: 'organizer',
        ...refund,
        ...extra,
      },
    };
    // The body must pass the contract's check, as the notifier checks it.
    expect(decodeEvent(encodeEvent(body), undefined, OrderEventSchemas)).toEqual({ ok: true, event: body });
    await jetstream(nc).publish(`${EVENTS_ROOT}.order.${orderId}.${type.split('.')[1]}`, encodeEvent(body), {
      msgID: `test-mail-${msgSeq}`,
      headers: Object.entries(eventHeaders(type, Format.Msgpack)).reduce((h, [k, v]) => (h.set(k, v), h), natsHeaders()),
    });
  };
  const mailsOf = (orderId: string) => sent.filter((m) => m.subject.includes(`C-${orderId}`)).map((m) => m.subject);

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
    await ensureInfra(nc, { replicas: 1, memberTimeoutMs: 4_000, dedupeWindowMs: 60_000 });
    dbName = throwawayName();
    await migrate(testDatabaseUrl(dbName));
    db = createDb(testDatabaseUrl(dbName), { max: 4 });
    const [u] = await db.db
      .insert(users)
      .values({ email: 'fan@example.com', displayName: 'Fan', passwordHash: 'x', locale: 'en' })
      .returning({ id: users.id });
    userId = u!.id;
  }, 60_000);
  afterAll(async () => {
    for (const n of notifiers) await n.stop().catch(() => undefined);
    await nc?.close();
    await server?.stop();
    await db?.close();
    await dropDatabase(dbName).catch(() => undefined);
  });

  it('mailer - a republished, redelivered, doubly consumed and replayed order.completed sends one confirmation; refund notices once each', async () => {
    start('notifier-a');
    start('notifier-b'); // a second notifier reading the same events at the same time
    failNext = 1; // the first attempt fails: the claim is given back and the redelivery sends it
    await publish('ord_m1', 'order.completed');
    await publish('ord_m1', 'order.completed'); // republished under another message id
    await until(() => mailsOf('ord_m1').length > 0 || undefined, 'confirmation mail');
    await until(
      async () =>
        (await db.db.select().from(mailSends).where(eq(mailSends.mailKey, 'order:ord_m1:orderConfirmation')))[0]?.state === 'sent' ||
        undefined,
      'row sent',
    );
    await publish('ord_m1', 'order.refundRequested');
    await publish('ord_m1', 'order.refunded');
    await publish('ord_m1', 'order.refunded');
    await until(() => mailsOf('ord_m1').length >= 3 || undefined, 'refund mails');
    // A restarted notifier (a new durable: it reads the stream from the start) sends nothing again.
    start('notifier-restarted');
    await until(async () => {
      const info = await (await jetstreamManager(nc)).consumers.info(EVENTS_STREAM, 'notifier-restarted').catch(() => undefined); // created a moment after start
      return (info && info.delivered.stream_seq > 0 && info.num_pending === 0 && info.num_ack_pending === 0) || undefined;
    }, 'restarted notifier caught up');
    await new Promise((r) => setTimeout(r, 500));
    expect(mailsOf('ord_m1').sort()).toEqual(
      ['Order C-ord_m1: refund under way', 'Order C-ord_m1: refunded', 'Your order C-ord_m1 is confirmed'].sort(),
    );
    const rows = await db.db.select().from(mailSends);
    expect(rows.map((r) => [r.mailKey, r.state]).sort()).toEqual([
      ['order:ord_m1:orderConfirmation', 'sent'],
      ['order:ord_m1:refundPending', 'sent'],
      ['order:ord_m1:refunded', 'sent'],
    ]);
  });

  it('mailer - sendOnce: 8 concurrent senders of one key send once; a stale claim is taken over; a fresh one is left alone', async () => {
    const before = sent.length;
    const mail = { to: 'fan@example.com', subject: 'once', text: 'x' };
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => sendOnce(db.db, mailer, 'test:once', mail)));
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
    expect(await sendOnce(db.db, mailer, 'test:once', mail)).toBe('alreadySent');
    expect(sent.length - before).toBe(1);
    // A sender that died mid-send left a claim: fresh, it stands; older than the lease, it is taken over.
    await db.db.insert(mailSends).values({ mailKey: 'test:dead', recipient: mail.to, state: 'sending', claimToken: 'dead' });
    expect(await sendOnce(db.db, mailer, 'test:dead', mail, 60_000)).toBe('inProgress');
    await new Promise((r) => setTimeout(r, 50));
    expect(await sendOnce(db.db, mailer, 'test:dead', mail, 10)).toBe('sent');
    expect(sent.length - before).toBe(2);
  });
});
