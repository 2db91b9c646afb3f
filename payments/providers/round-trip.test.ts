/**
 * Property tests (fast-check): for every provider, a callback signed the way the provider signs
 * verifies, for arbitrary field values (unicode, `&`, `=`, `+`, `%`, quotes); changing the amount
 * or the order code breaks the signature; and no input at all makes `verifyCallback` throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPayOsProvider, payOsDataSignature } from './payos.js';
import { createSandboxProvider, signSandboxCallback } from './sandbox.js';
import { createVnpayProvider, vnpaySecureHash } from './vnpay.js';
import { createZaloPayProvider, zaloPayCallbackMac } from './zalopay.js';
import type { CallbackRequest, PaymentProvider } from './types.js';

const KEY = 'property-test-key-✓';
const zalo = createZaloPayProvider({ appId: '1', key1: KEY, key2: KEY, endpoint: 'https://x' });
const payos = createPayOsProvider({ clientId: 'c', apiKey: 'a', checksumKey: KEY, baseUrl: 'https://x' });
const vnpay = createVnpayProvider({ tmnCode: 'TMN', hashSecret: KEY, payUrl: 'https://x' });
const sandbox = createSandboxProvider({ secret: KEY, baseUrl: 'http://x' });

const text = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string(), fc.constantFrom('a&b=c', '+%20 %', 'Vé & "quà"', '=&=&', '\u0000', ''));
const code = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
const amount = fc.integer({ min: 1, max: 10_000_000_000 });
const body = (r: Partial<CallbackRequest>): CallbackRequest => ({ headers: {}, body: '', query: {}, ...r });

function zaloReq(orderCode: string, amt: number, note: string, tamper?: { amount: number }): CallbackRequest {
  const data = JSON.stringify({
    app_id: 1,
    app_trans_id: `240521_${orderCode}`,
    app_user: note,
    amount: amt,
    embed_data: JSON.stringify({ note }),
    item: '[]',
    zp_trans_id: 240521000000001,
  });
  const sent = tamper ? data.replace(`"amount":${amt}`, `"amount":${tamper.amount}`) : data;
  return body({ body: JSON.stringify({ data: sent, mac: zaloPayCallbackMac(KEY, data), type: 1 }) });
}

function payosReq(orderCode: number, amt: number, note: string, tamper?: { amount: number }): CallbackRequest {
  const data = {
    orderCode,
    amount: amt,
    description: note,
    reference: `FT${orderCode}`,
    code: '00',
    desc: note,
    counterAccountName: null,
    currency: 'VND',
  };
  const signature = payOsDataSignature(KEY, data);
  return body({
    body: JSON.stringify({
      code: '00',
      desc: 'success',
      success: true,
      data: tamper ? { ...data, amount: tamper.amount } : data,
      signature,
    }),
  });
}

function vnpayReq(orderCode: string, amt: number, note: string, tamper?: { amount: number }): CallbackRequest {
  const p = {
    vnp_Amount: String(amt * 100),
    vnp_OrderInfo: note,
    vnp_ResponseCode: '00',
    vnp_TmnCode: 'TMN',
    vnp_TransactionNo: '1',
    vnp_TransactionStatus: '00',
    vnp_TxnRef: orderCode,
  };
  const vnp_SecureHash = vnpaySecureHash(KEY, p);
  return body({ query: { ...p, ...(tamper ? { vnp_Amount: String(tamper.amount * 100) } : {}), vnp_SecureHash } });
}

function sandboxReq(orderCode: string, amt: number, note: string, tamper?: { amount: number }): CallbackRequest {
  const s = signSandboxCallback(KEY, {
    providerTxnId: `t-${note}`,
    orderCode,
    amountMinor: amt,
    currency: 'VND',
    outcome: 'completed',
    paidAt: 1,
  });
  return body({ headers: s.headers, body: tamper ? s.body.replace(`"amountMinor":${amt}`, `"amountMinor":${tamper.amount}`) : s.body });
}

const cases: [
  string,
  PaymentProvider,
  (o: string, a: number, n: string, t?: { amount: number }) => CallbackRequest,
  fc.Arbitrary<string>,
][] = [
  ['zalopay', zalo, zaloReq, code],
  ['vnpay', vnpay, vnpayReq, code],
  ['sandbox', sandbox, sandboxReq, code],
  ['payos', payos, (o, a, n, t) => payosReq(Number(o), a, n, t), fc.integer({ min: 1, max: 2 ** 40 }).map(String)],
];

describe('payments - signature round trips', () => {
  for (const [name, provider, build, orderCodes] of cases) {
    it(`payments - ${name} sign-then-verify round-trips arbitrary values`, () => {
      fc.assert(
        fc.property(orderCodes, amount, text, (o, a, n) => {
          const r = provider.verifyCallback(build(o, a, n));
          expect(r).toMatchObject({ ok: true, event: { orderCode: o, amountMinor: a, currency: 'VND' } });
        }),
        { numRuns: 200 },
      );
    });

    it(`payments - ${name} refuses any altered amount`, () => {
      fc.assert(
        fc.property(orderCodes, amount, amount, text, (o, a, b, n) => {
          fc.pre(a !== b);
          expect(provider.verifyCallback(build(o, a, n, { amount: b })).ok).toBe(false);
        }),
        { numRuns: 200 },
      );
    });

    it(`payments - ${name} never throws on arbitrary input`, () => {
      const anyBody = fc.oneof(
        fc.string(),
        fc.json(),
        fc.uint8Array().map((u) => new Uint8Array(u)),
      );
      const anyQuery = fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(undefined)));
      const anyHeaders = fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.constant(undefined)));
      fc.assert(
        fc.property(anyBody, anyQuery, anyHeaders, (b, q, h) => {
          expect(provider.verifyCallback({ headers: h, body: b, query: q }).ok).toBe(false);
        }),
        { numRuns: 300 },
      );
    });
  }
});
