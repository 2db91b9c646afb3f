/**
 * PayOS: signing against the official SDK's test vectors and the docs' worked webhook example,
 * payment-link creation through a fake HTTP client answering like PayOS, and webhook
 * verification (genuine accepted, forgeries refused, never a throw).
 */
import { describe, expect, it } from 'vitest';
import { createPayOsProvider, payOsDataSignature, payOsDataString, payOsPaymentRequestSignature } from './payos.js';
import type { CallbackRequest, HttpRequest, HttpResponse } from './types.js';

// The official SDK's tests sign with this key: payOSHQ/payos-lib-node tests/crypto/helper.ts.
const SDK_KEY = 'test_checksum_key';

// Source: https://payos.vn/docs/tich-hop-webhook/kiem-tra-du-lieu-voi-signature (PHP/JS sample:
// checksum key, webhook body and its signature, as published).
const DOC_KEY = '1a54716c8f0efb2744fb28b6e38b25da7f67a925d98bc1c18bd8faaecadd7675';
const DOC_WEBHOOK = {
  code: '00',
  desc: 'success',
  success: true,
  data: {
    orderCode: 123,
    amount: 3000,
    description: 'VQRIO123',
    accountNumber: '12345678',
    reference: 'TF230204212323',
    transactionDateTime: '2023-02-04 18:25:00',
    currency: 'VND',
    paymentLinkId: '124c33293c43417ab7879e14c8d9eb18',
    code: '00',
    desc: 'Thành công',
    counterAccountBankId: '',
    counterAccountBankName: '',
    counterAccountName: '',
    counterAccountNumber: '',
    virtualAccountName: '',
    virtualAccountNumber: '',
  },
  signature: '412e915d2871504ed31be63c8f62a149a4410d34c4c42affc9006ef9917eaa03',
};

const cfg = { clientId: 'client-id', apiKey: 'api-key', checksumKey: DOC_KEY, baseUrl: 'https://api-merchant.payos.vn' };
const provider = createPayOsProvider(cfg);
const cb = (body: unknown): CallbackRequest => ({ headers: {}, body: typeof body === 'string' ? body : JSON.stringify(body), query: {} });

describe('payments - payos signing', () => {
  // Source for the next four: payOSHQ/payos-lib-node tests/crypto/testCases.json.
  it('payments - payos payment-request signature matches the SDK vectors', () => {
    // case "create payment link full fields": only the five documented fields are signed.
    expect(
      payOsPaymentRequestSignature(SDK_KEY, {
        amount: 3300,
        cancelUrl: 'http://localhost',
        description: 'ABC456',
        orderCode: 0,
        returnUrl: 'http://localhost',
      }),
    ).toBe('189864813370cdf819974dc3f63c3a93a7e7af0a0d10b21344b14e4f7358999b');
    // case "create payment link with Vietnamese description": UTF-8, not URL-encoded.
    expect(
      payOsPaymentRequestSignature(SDK_KEY, {
        amount: 2000,
        cancelUrl: 'http://localhost',
        description: 'Thanh toán đơn hàng',
        orderCode: 0,
        returnUrl: 'http://localhost',
      }),
    ).toBe('d8b7b0e5d19edfe7b1f53dedeb8d1c7c2b62fabd7eb320dbc514c58f13e9e2c5');
  });

  it('payments - payos data signature matches the SDK webhook vector', () => {
    // case "webhook" (type "body": createSignatureFromObj, what webhooks.verify uses).
    const data = {
      accountNumber: '0123456789',
      amount: 20000,
      description: 'thanh toan',
      reference: 'FT-REFERENCE',
      transactionDateTime: '2025-12-12 09:00:00',
      virtualAccountNumber: '',
      counterAccountBankId: '01202001',
      counterAccountBankName: '',
      counterAccountName: 'NGUYEN VAN A',
      counterAccountNumber: '9876543210',
      virtualAccountName: '',
      currency: 'VND',
      orderCode: 0,
      paymentLinkId: 'payment-link-id',
      code: '00',
      desc: 'success',
    };
    expect(payOsDataSignature(SDK_KEY, data)).toBe('302b3becca1672dff99daafae2965f40e48ea3ca39453e4bf37fbcc26807a0e8');
  });

  it('payments - payos data signature serializes arrays and nulls exactly like the SDK', () => {
    const txn = {
      accountNumber: '0123456789',
      amount: 2000,
      counterAccountBankId: '01202001',
      counterAccountBankName: null,
      counterAccountName: 'NGUYEN VAN A',
      counterAccountNumber: '9876543210',
      description: 'TRANSACTION DESCRIPTION',
      reference: 'FT-REFERENCE',
      transactionDateTime: '2025-12-12T09:00:00+07:00',
      virtualAccountName: null,
      virtualAccountNumber: null,
    };
    const link = {
      id: 'payment-link-id',
      orderCode: 0,
      amount: 2000,
      amountPaid: 2000,
      amountRemaining: 0,
      status: 'PAID',
      createdAt: '2025-12-12T09:00:00+07:00',
      canceledAt: null,
      cancellationReason: null,
    };
    // case "paid payment link with 1 transaction" (an array of objects holding nulls).
    expect(payOsDataSignature(SDK_KEY, { ...link, transactions: [txn] })).toBe(
      '6af5e2c9a28256c140169ed624114b43295915d7b6e2fa6278b17a7c43aadefd',
    );
    // case "paid payment link with many transactions".
    expect(payOsDataSignature(SDK_KEY, { ...link, transactions: [txn, txn] })).toBe(
      '04ebbe221724d2b848c3f39b2db3311cc554167f55bd2fe2cb7b86b6bfdeadaa',
    );
    // case "pending payment link" (an empty array is "[]").
    expect(payOsDataSignature(SDK_KEY, { ...link, amountPaid: 0, amountRemaining: 2000, status: 'PENDING', transactions: [] })).toBe(
      '33093364158b143baa9ecd2e705d9a2a5a5d391a3cab7cb0a371588b3731368f',
    );
    // The SDK quirk kept on purpose: the strings "null"/"undefined" sign as "", undefined keys vanish.
    expect(payOsDataString({ b: 'null', a: undefined, c: null, d: [{ z: 1, y: 2 }] })).toBe('b=&c=&d=[{"y":2,"z":1}]');
  });

  it('payments - payos webhook signature matches the documented example', () => {
    expect(payOsDataSignature(DOC_KEY, DOC_WEBHOOK.data)).toBe(DOC_WEBHOOK.signature);
  });
});

describe('payments - payos create', () => {
  const input = {
    orderCode: '123456',
    amountMinor: 50000,
    currency: 'VND',
    description: 'TB 123456',
    returnUrl: 'https://tb.example/ok',
    cancelUrl: 'https://tb.example/cancel',
    callbackUrl: 'unused',
  };
  const now = () => 1_716_226_200_000;
  // A response shaped like the SDK's CreatePaymentLinkResponse; its signature is computed by us
  // (payOsDataSignature), as PayOS signs `data` of every answer.
  const linkData = {
    bin: '970422',
    accountNumber: '113366668888',
    accountName: 'TICKETBOTTLE',
    amount: 50000,
    description: 'TB 123456',
    orderCode: 123456,
    currency: 'VND',
    paymentLinkId: '0c5b1d3c9f1e4d7a8b1d9f2a3c4e5f60',
    status: 'PENDING',
    expiredAt: 1716227100,
    checkoutUrl: 'https://pay.payos.vn/web/0c5b1d3c9f1e4d7a8b1d9f2a3c4e5f60',
    qrCode: '000201010212...',
  };

  it('payments - payos create sends the signed request and returns checkoutUrl', async () => {
    const sent: HttpRequest[] = [];
    const http = async (r: HttpRequest): Promise<HttpResponse> => {
      sent.push(r);
      return {
        status: 200,
        body: JSON.stringify({ code: '00', desc: 'success', data: linkData, signature: payOsDataSignature(DOC_KEY, linkData) }),
      };
    };
    const res = await provider.createPayment(input, { http, now });
    expect(res).toMatchObject({ paymentUrl: linkData.checkoutUrl, providerRef: linkData.paymentLinkId });
    expect(sent[0]).toMatchObject({
      method: 'POST',
      url: 'https://api-merchant.payos.vn/v2/payment-requests',
      headers: { 'x-client-id': 'client-id', 'x-api-key': 'api-key' },
    });
    const body = JSON.parse(sent[0]!.body!) as Record<string, unknown>;
    expect(body).toMatchObject({
      orderCode: 123456,
      amount: 50000,
      description: 'TB 123456',
      returnUrl: input.returnUrl,
      cancelUrl: input.cancelUrl,
      expiredAt: 1716226200 + 900,
    });
    expect(body['signature']).toBe(payOsPaymentRequestSignature(DOC_KEY, body as never));
  });

  it('payments - payos create refuses a bad answer, a non-numeric code and non-VND', async () => {
    const forged = async (): Promise<HttpResponse> => ({
      status: 200,
      body: JSON.stringify({ code: '00', desc: 'success', data: linkData, signature: '0'.repeat(64) }),
    });
    await expect(provider.createPayment(input, { http: forged, now })).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_REJECTED' });
    const refused = async (): Promise<HttpResponse> => ({
      status: 200,
      body: JSON.stringify({ code: '231', desc: 'Đơn thanh toán đã tồn tại', data: null }),
    });
    await expect(provider.createPayment(input, { http: refused, now })).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_REJECTED' });
    await expect(provider.createPayment({ ...input, orderCode: 'TB-1' }, { http: refused, now })).rejects.toMatchObject({
      code: 'PAYMENT_INVALID_REQUEST',
    });
    await expect(provider.createPayment({ ...input, currency: 'EUR' }, { http: refused, now })).rejects.toMatchObject({
      code: 'PAYMENT_UNSUPPORTED_CURRENCY',
    });
    const off = createPayOsProvider({ ...cfg, checksumKey: '' });
    await expect(off.createPayment(input, { http: refused, now })).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNCONFIGURED' });
  });
});

describe('payments - payos webhook', () => {
  it('payments - payos verify accepts the documented webhook', () => {
    expect(provider.verifyCallback(cb(DOC_WEBHOOK))).toMatchObject({
      ok: true,
      event: {
        provider: 'payos',
        providerTxnId: 'TF230204212323',
        orderCode: '123',
        amountMinor: 3000,
        currency: 'VND',
        outcome: 'completed',
      },
    });
  });

  it('payments - payos verify refuses forged, altered and malformed webhooks', () => {
    const reason = (body: unknown) => (provider.verifyCallback(cb(body)) as { reason?: string }).reason;
    expect(reason({ ...DOC_WEBHOOK, data: { ...DOC_WEBHOOK.data, amount: 300 } })).toBe('bad_signature');
    expect(reason({ ...DOC_WEBHOOK, data: { ...DOC_WEBHOOK.data, orderCode: 124 } })).toBe('bad_signature');
    expect(reason({ ...DOC_WEBHOOK, signature: payOsDataSignature('another-key', DOC_WEBHOOK.data) })).toBe('bad_signature');
    expect(reason({ ...DOC_WEBHOOK, signature: undefined })).toBe('missing_signature');
    expect(reason({ ...DOC_WEBHOOK, signature: DOC_WEBHOOK.signature.slice(2) })).toBe('bad_signature');
    expect(reason({ ...DOC_WEBHOOK, signature: `${DOC_WEBHOOK.signature}ab` })).toBe('bad_signature');
    for (const bad of [
      '',
      '{',
      'null',
      '[1]',
      { ...DOC_WEBHOOK, data: null },
      { ...DOC_WEBHOOK, data: [1] },
      { ...DOC_WEBHOOK, data: 'x' },
    ]) {
      expect(provider.verifyCallback(cb(bad)).ok).toBe(false);
    }
    const nullItem = { orderCode: 1, amount: 1, items: [null] }; // the SDK itself throws on this: we refuse
    expect(provider.verifyCallback(cb({ data: nullItem, signature: 'ab'.repeat(32) })).ok).toBe(false);
  });

  it('payments - payos answers as documented', () => {
    expect(provider.callbackAnswer({ type: 'accepted' })).toMatchObject({ status: 200, body: '{"success":true}' });
    expect(provider.callbackAnswer({ type: 'order_not_found' }).status).toBe(200);
    expect(provider.callbackAnswer({ type: 'rejected', reason: 'bad_signature' }).status).toBe(400);
    expect(provider.callbackAnswer({ type: 'retry_later' }).status).toBe(503);
  });
});
