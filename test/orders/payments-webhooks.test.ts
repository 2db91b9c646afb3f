/**
 * @module test/orders/payments-webhooks.test
 * The four provider webhooks through the gateway pipeline (in-process `handle`, raw bytes as a
 * provider sends them) on a real PostgreSQL: genuine callbacks (built with the providers' own
 * signing functions) are recorded once and answered as each provider expects; forged and
 * altered ones get the provider's refusal and leave nothing; duplicates are answered as such
 * and applied once; a genuinely signed wrong amount is refused and flagged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { loadConfig } from '../../config/index.js';
import { paymentInbox, paymentOutbox } from '../../db/index.js';
import { createGateway, type Gateway } from '../../gateway/index.js';
import { paymentRoutes } from '../../gateway/routes/index.js';
import {
  createPaymentProviders,
  createPaymentStore,
  payOsDataSignature,
  signSandboxCallback,
  vnpaySecureHash,
  zaloPayCallbackMac,
  type PaymentStore,
} from '../../payments/index.js';
import { hasNatsServer } from '../harness/nats.js';
import { postgresUnavailable } from '../db/throwaway-db.js';
import { log, setupCatalog, type CatalogFixture } from '../catalog/setup.js';

const skip = !hasNatsServer() ? 'skipped: no nats-server on PATH' : await postgresUnavailable();
const KEY = 'webhook-test-key';
const cfg = loadConfig(
  {},
  {
    zalopayAppId: '2553',
    zalopayKey1: KEY,
    zalopayKey2: KEY,
    payosClientId: 'c',
    payosApiKey: 'a',
    payosChecksumKey: KEY,
    vnpayTmnCode: 'TMN1',
    vnpayHashSecret: KEY,
    sandboxPaymentSecret: KEY,
    rateLimitIpPerSec: 0,
    logLevel: 'silent',
  },
);
const providers = createPaymentProviders(cfg);
let seq = 1_000;

type Req = { method: string; path: string; headers?: Record<string, string>; body?: string };
/** A provider's callback: genuine, forged (signed with another key) or with the amount altered after signing. */
type Build = (code: string, amount: number, txn: string, mode: 'genuine' | 'forged' | 'altered') => Req;

const zalopay: Build = (code, amount, txn, mode) => {
  const data = JSON.stringify({
    app_id: 2553,
    app_trans_id: `240521_${code}`,
    app_user: 'u',
    amount,
    app_time: 1,
    embed_data: '{}',
    item: '[]',
    zp_trans_id: Number(txn),
    server_time: 1,
    channel: 38,
    merchant_user_id: 'm',
    user_fee_amount: 0,
    discount_amount: 0,
  });
  const mac = zaloPayCallbackMac(mode === 'forged' ? 'other-key' : KEY, data);
  const sent = mode === 'altered' ? data.replace(`"amount":${amount}`, `"amount":${amount - 1}`) : data;
  return {
    method: 'POST',
    path: '/api/v1/payments/zalopay/callback',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ data: sent, mac, type: 1 }),
  };
};
const payos: Build = (code, amount, txn, mode) => {
  const data = {
    orderCode: Number(code),
    amount,
    description: 'TB',
    accountNumber: '1',
    reference: txn,
    transactionDateTime: '2024-05-21 10:00:00',
    currency: 'VND',
    paymentLinkId: `pl${code}`,
    code: '00',
    desc: 'success',
    counterAccountBankId: '',
    counterAccountBankName: '',
    counterAccountName: '',
    counterAccountNumber: '',
    virtualAccountName: '',
    virtualAccountNumber: '',
  };
  const signature = payOsDataSignature(mode === 'forged' ? 'other-key' : KEY, data);
  return {
    method: 'POST',
    path: '/api/v1/payments/payos/webhook',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      code: '00',
      desc: 'success',
      success: true,
      data: mode === 'altered' ? { ...data, amount: amount + 1 } : data,
      signature,
    }),
  };
};
const vnpay: Build = (code, amount, txn, mode) => {
  const p = {
    vnp_Amount: String(amount * 100),
    vnp_BankCode: 'NCB',
    vnp_OrderInfo: 'Thanh toan TB',
    vnp_PayDate: '20240521100000',
    vnp_ResponseCode: '00',
    vnp_TmnCode: 'TMN1',
    vnp_TransactionNo: txn,
    vnp_TransactionStatus: '00',
    vnp_TxnRef: code,
  };
  const vnp_SecureHash = vnpaySecureHash(mode === 'forged' ? 'other-key' : KEY, p);
  const q = new URLSearchParams({ ...p, ...(mode === 'altered' ? { vnp_Amount: String((amount + 1) * 100) } : {}), vnp_SecureHash });
  return { method: 'GET', path: `/api/v1/payments/vnpay/ipn?${q.toString()}` };
};
const sandbox: Build = (code, amount, txn, mode) => {
  const s = signSandboxCallback(mode === 'forged' ? 'other-key' : KEY, {
    providerTxnId: txn,
    orderCode: code,
    amountMinor: amount,
    currency: 'VND',
    outcome: 'completed',
    paidAt: 1,
  });
  return {
    method: 'POST',
    path: '/api/v1/payments/sandbox/callback',
    headers: s.headers,
    body: mode === 'altered' ? s.body.replace(`"amountMinor":${amount}`, `"amountMinor":${amount - 1}`) : s.body,
  };
};

/** provider, builder, and the expected answers: [status, body fragment] for accepted, duplicate, refused, mismatch. */
const cases: [string, Build, Record<'accepted' | 'duplicate' | 'refused' | 'mismatch', [number, Record<string, unknown>]>][] = [
  [
    'zalopay',
    zalopay,
    {
      accepted: [200, { return_code: 1 }],
      duplicate: [200, { return_code: 2 }],
      refused: [200, { return_code: -1 }],
      mismatch: [200, { return_code: -1 }],
    },
  ],
  [
    'payos',
    payos,
    { accepted: [200, { success: true }], duplicate: [200, { success: true }], refused: [400, {}], mismatch: [200, { success: true }] },
  ],
  [
    'vnpay',
    vnpay,
    {
      accepted: [200, { RspCode: '00' }],
      duplicate: [200, { RspCode: '02' }],
      refused: [200, { RspCode: '97' }],
      mismatch: [200, { RspCode: '04' }],
    },
  ],
  [
    'sandbox',
    sandbox,
    {
      accepted: [200, { ok: true }],
      duplicate: [200, { duplicate: true }],
      refused: [401, {}],
      mismatch: [409, { error: 'amount_mismatch' }],
    },
  ],
];

describe.skipIf(skip !== undefined)('orders - payment webhooks', () => {
  let fx: CatalogFixture;
  let store: PaymentStore;
  let gw: Gateway;
  const send = async (r: Req) => {
    const res = await gw.handle({
      method: r.method,
      path: r.path,
      headers: r.headers ?? {},
      ...(r.body !== undefined ? { body: r.body } : {}),
    });
    const text = new TextDecoder().decode(res.body);
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const inboxRows = async () => (await fx.handle.db.select({ n: sql<number>`count(*)::int` }).from(paymentInbox))[0]!.n;
  const newPayment = async (provider: string) => {
    const code = String(++seq);
    const { payment } = await store.createPayment({
      orderId: `ord_${code}`,
      orderCode: code,
      userId: 'u1',
      amountMinor: 150_000,
      currency: 'VND',
      provider: provider as 'sandbox',
    });
    return { code, payment };
  };

  beforeAll(async () => {
    fx = await setupCatalog();
    store = createPaymentStore(fx.handle.db);
    gw = createGateway({ config: cfg, log, routes: paymentRoutes({ providers, store, db: fx.handle.db, log, config: cfg }) });
  });
  afterAll(async () => {
    await gw?.close();
    await fx?.dispose();
  });

  for (const [name, build, want] of cases) {
    it(`orders - ${name} webhook records a genuine callback once and answers duplicates as such`, async () => {
      const { code, payment } = await newPayment(name);
      const txn = String(++seq * 1_000);
      const first = await send(build(code, 150_000, txn, 'genuine'));
      expect([first.status, first.body]).toMatchObject(want.accepted);
      expect((await store.get(payment.id))!.status).toBe('COMPLETED');
      const again = await send(build(code, 150_000, txn, 'genuine'));
      expect([again.status, again.body]).toMatchObject(want.duplicate);
      const events = await fx.handle.db
        .select()
        .from(paymentOutbox)
        .where(eq(paymentOutbox.msgId, `${name}:${txn}`));
      expect(events).toHaveLength(1);
      expect((await store.get(payment.id))!.version).toBe(2);
    });

    it(`orders - ${name} webhook refuses forged and altered callbacks and records nothing`, async () => {
      const { code, payment } = await newPayment(name);
      const before = await inboxRows();
      for (const mode of ['forged', 'altered'] as const) {
        const r = await send(build(code, 150_000, String(++seq * 1_000), mode));
        expect([r.status, r.body]).toMatchObject(want.refused);
      }
      expect(await inboxRows()).toBe(before);
      expect((await store.get(payment.id))!.status).toBe('PENDING');
    });

    it(`orders - ${name} webhook refuses a signed callback with the wrong amount and flags it`, async () => {
      const { code, payment } = await newPayment(name);
      const r = await send(build(code, 149_000, String(++seq * 1_000), 'genuine'));
      expect([r.status, r.body]).toMatchObject(want.mismatch);
      const after = (await store.get(payment.id))!;
      expect(after.status).toBe('PENDING');
      expect(after.flags.amountMismatch).toMatchObject({ amountMinor: 149_000 });
    });
  }
});
