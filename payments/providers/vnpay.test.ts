/**
 * VNPay 2.1.0: the sign-data encoding against VNPay's documented payment URL, HMAC-SHA512 against
 * published vectors, payment-URL creation, and IPN / return verification (genuine accepted,
 * forgeries refused, never a throw), with the documented IPN answers.
 */
import { describe, expect, it } from 'vitest';
import { createVnpayProvider, vnpaySecureHash, vnpaySignData } from './vnpay.js';
import type { CallbackRequest } from './types.js';

const ipn = (query: Record<string, string | string[] | undefined>): CallbackRequest => ({ headers: {}, body: '', query });

// Source: lehuygiang28/vnpay (the `vnpay` npm library, a community SDK; VNPay publishes no
// secret beside its own examples), test/__helpers__/test-fixtures.ts DEFAULT_RETURN_QUERY_INPUT
// with secureSecret 'test_secret', and test/integration/vnpay/verify-ipn-call.test.ts for the
// vnp_ResponseCode '99' variant. Values as VNPay sends them, decoded.
const LIB_SECRET = 'test_secret';
const LIB_RETURN = {
  vnp_Amount: '1000000',
  vnp_BankCode: 'NCB',
  vnp_BankTranNo: 'VNP14422574',
  vnp_CardType: 'ATM',
  vnp_OrderInfo: 'Thanh toan don hang 2024-05-21T02:17:31.249Z',
  vnp_PayDate: '20240521091806',
  vnp_ResponseCode: '00',
  vnp_TmnCode: 'TEST_TMN_CODE',
  vnp_TransactionNo: '14422574',
  vnp_TransactionStatus: '00',
  vnp_TxnRef: '1716257871703',
  vnp_SecureHash:
    '649982421beb422556a1374713c74e58e716ecbd05007c0c0e1f7effdfaf361dbf146889ca446139afe11b9954c4d5c486e99e3b86fcfab6957f29eb0be72895',
};
const provider = createVnpayProvider({
  tmnCode: 'TEST_TMN_CODE',
  hashSecret: LIB_SECRET,
  payUrl: 'https://sandbox.vnpayment.vn/paymentv2/vpcpay.html',
});

describe('payments - vnpay signing', () => {
  it('payments - vnpay sign data encodes exactly like the documented payment URL', () => {
    // Source: https://sandbox.vnpayment.vn/apis/docs/thanh-toan-pay/pay.html ("URL có dạng").
    // The merchant's secret is not published, so only the signed string (everything before
    // &vnp_SecureHash=) can be checked: spaces are "+", ":" and "/" are percent-encoded.
    const documented =
      'vnp_Amount=1806000&vnp_Command=pay&vnp_CreateDate=20210801153333&vnp_CurrCode=VND&vnp_IpAddr=127.0.0.1&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+don+hang+%3A5&vnp_OrderType=other&vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl&vnp_TmnCode=DEMOV210&vnp_TxnRef=5&vnp_Version=2.1.0';
    expect(
      vnpaySignData({
        vnp_Version: '2.1.0',
        vnp_Command: 'pay',
        vnp_TmnCode: 'DEMOV210',
        vnp_Amount: '1806000',
        vnp_CreateDate: '20210801153333',
        vnp_CurrCode: 'VND',
        vnp_IpAddr: '127.0.0.1',
        vnp_Locale: 'vn',
        vnp_OrderInfo: 'Thanh toan don hang :5',
        vnp_OrderType: 'other',
        vnp_ReturnUrl: 'https://domainmerchant.vn/ReturnUrl',
        vnp_TxnRef: '5',
      }),
    ).toBe(documented);
  });

  it('payments - vnpay secure hash matches the published library vectors', () => {
    const { vnp_SecureHash, ...params } = LIB_RETURN;
    expect(vnpaySecureHash(LIB_SECRET, params)).toBe(vnp_SecureHash);
    expect(vnpaySecureHash(LIB_SECRET, { ...params, vnp_ResponseCode: '99' })).toBe(
      '503194f6d93b57b357b2d1d09742565e67e86d771352c5dca4fc8d39df3d392c6b3809add9405f97cfb9631f445e36c80656cfbf47eac67d97fa165865c13e1b',
    );
  });

  it('payments - vnpay hash built step by step for unicode, & and = values', () => {
    // NOT a published vector: built by us from the official demo's algorithm (sortObject:
    // encodeURIComponent + %20 → "+", joined unencoded), cross-checked with `openssl dgst -sha512 -hmac`.
    const p = {
      vnp_Amount: '5000000',
      vnp_Command: 'pay',
      vnp_CreateDate: '20240521003000',
      vnp_CurrCode: 'VND',
      vnp_IpAddr: '127.0.0.1',
      vnp_Locale: 'vn',
      vnp_OrderInfo: 'Vé concert & fan meeting = 2 vé',
      vnp_OrderType: 'other',
      vnp_ReturnUrl: 'https://tb.example/return?x=1',
      vnp_TmnCode: 'TBTEST01',
      vnp_TxnRef: 'TB12345',
      vnp_Version: '2.1.0',
    };
    expect(vnpaySignData(p)).toContain('vnp_OrderInfo=V%C3%A9+concert+%26+fan+meeting+%3D+2+v%C3%A9&');
    expect(vnpaySecureHash('TBTESTSECRET', p)).toBe(
      '72fef94ae02ad69ab3524b8db95a3023dc860167a18f4528b59d5aacc1a2179bfca9a93e05aff19e1574d0484665849dca97b657377049b1abc8cc1fe5e5ca00',
    );
  });
});

describe('payments - vnpay create', () => {
  const input = {
    orderCode: 'TB12345',
    amountMinor: 50000,
    currency: 'VND',
    description: 'Vé concert & fan meeting',
    returnUrl: 'https://tb.example/return',
    callbackUrl: 'unused',
    clientIp: '203.0.113.7',
  };
  const now = () => Date.UTC(2024, 4, 20, 17, 30, 0);
  const http = async () => {
    throw new Error('VNPay needs no HTTP call');
  };

  it('payments - vnpay create builds a signed URL with vnp_Amount = VND × 100', async () => {
    const res = await provider.createPayment(input, { http, now });
    const url = new URL(res.paymentUrl);
    expect(url.origin + url.pathname).toBe('https://sandbox.vnpayment.vn/paymentv2/vpcpay.html');
    const q = Object.fromEntries(url.searchParams);
    expect(q).toMatchObject({
      vnp_Amount: '5000000',
      vnp_CurrCode: 'VND',
      vnp_TxnRef: 'TB12345',
      vnp_Version: '2.1.0',
      vnp_Command: 'pay',
      vnp_CreateDate: '20240521003000',
      vnp_ExpireDate: '20240521004500',
      vnp_IpAddr: '203.0.113.7',
      vnp_OrderInfo: input.description,
    });
    expect(res.paymentUrl).toContain('vnp_OrderInfo=V%C3%A9+concert+%26+fan+meeting&'); // "+" for spaces, never %20
    const { vnp_SecureHash, ...signed } = q;
    expect(vnp_SecureHash).toBe(vnpaySecureHash(LIB_SECRET, signed));
    expect(res.providerRef).toBe('TB12345');
  });

  it('payments - vnpay create refuses non-VND, bad amounts and an unconfigured merchant', async () => {
    await expect(provider.createPayment({ ...input, currency: 'USD' }, { http, now })).rejects.toMatchObject({
      code: 'PAYMENT_UNSUPPORTED_CURRENCY',
    });
    await expect(provider.createPayment({ ...input, amountMinor: 0 }, { http, now })).rejects.toMatchObject({
      code: 'PAYMENT_INVALID_AMOUNT',
    });
    await expect(provider.createPayment({ ...input, amountMinor: 2 ** 52 }, { http, now })).rejects.toMatchObject({
      code: 'PAYMENT_INVALID_AMOUNT',
    });
    const off = createVnpayProvider({ tmnCode: 'X', hashSecret: '', payUrl: 'https://x' });
    await expect(off.createPayment(input, { http, now })).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNCONFIGURED' });
    expect(off.verifyCallback(ipn(LIB_RETURN))).toEqual({ ok: false, reason: 'unconfigured' });
  });
});

describe('payments - vnpay ipn', () => {
  it('payments - vnpay verify accepts the published IPN and divides the amount by 100', () => {
    expect(provider.verifyCallback(ipn({ ...LIB_RETURN, vnp_SecureHashType: 'HmacSHA512' }))).toMatchObject({
      ok: true,
      event: {
        provider: 'vnpay',
        providerTxnId: '14422574',
        orderCode: '1716257871703',
        amountMinor: 10000,
        currency: 'VND',
        outcome: 'completed',
      },
    });
    // Upper-case hex is the same signature (VNPay's .NET demo compares case-insensitively).
    expect(provider.verifyCallback(ipn({ ...LIB_RETURN, vnp_SecureHash: LIB_RETURN.vnp_SecureHash.toUpperCase() })).ok).toBe(true);
  });

  it('payments - vnpay verify refuses forged, altered and malformed IPNs', () => {
    const reason = (q: Record<string, string | string[] | undefined>) => (provider.verifyCallback(ipn(q)) as { reason?: string }).reason;
    expect(reason({ ...LIB_RETURN, vnp_Amount: '100000000' })).toBe('bad_signature');
    expect(reason({ ...LIB_RETURN, vnp_TxnRef: '1716257871704' })).toBe('bad_signature');
    expect(reason({ ...LIB_RETURN, vnp_ResponseCode: '99' })).toBe('bad_signature');
    expect(reason({ ...LIB_RETURN, extra: 'param' })).toBe('bad_signature');
    expect(reason({ ...LIB_RETURN, vnp_SecureHash: undefined })).toBe('missing_signature');
    expect(reason({ ...LIB_RETURN, vnp_SecureHash: LIB_RETURN.vnp_SecureHash.slice(0, 64) })).toBe('bad_signature');
    expect(reason({ ...LIB_RETURN, vnp_SecureHash: 'zz'.repeat(64) })).toBe('bad_signature');
    expect(reason({ ...LIB_RETURN, vnp_TxnRef: ['a', 'b'] })).toBe('malformed');
    expect(provider.verifyCallback(ipn({})).ok).toBe(false);
    const other = createVnpayProvider({ tmnCode: 'OTHER', hashSecret: LIB_SECRET, payUrl: 'https://x' });
    expect(other.verifyCallback(ipn(LIB_RETURN))).toEqual({ ok: false, reason: 'wrong_merchant' });
  });

  it('payments - vnpay maps response codes to outcomes', () => {
    const signed = (over: Record<string, string>) => {
      const { vnp_SecureHash: _h, ...p } = { ...LIB_RETURN, ...over };
      return { ...p, vnp_SecureHash: vnpaySecureHash(LIB_SECRET, p) };
    };
    const outcome = (over: Record<string, string>) =>
      (provider.verifyCallback(ipn(signed(over))) as { event?: { outcome: string; providerTxnId: string } }).event;
    expect(outcome({ vnp_ResponseCode: '24', vnp_TransactionStatus: '02', vnp_TransactionNo: '0' })).toEqual(
      expect.objectContaining({ outcome: 'failed', providerTxnId: '1716257871703:24' }),
    );
    expect(outcome({ vnp_ResponseCode: '07', vnp_TransactionStatus: '00' })?.outcome).toBe('pending');
    expect(outcome({ vnp_Amount: '1000050' })).toBeUndefined(); // not a whole number of đồng × 100
  });

  it('payments - vnpay answers the documented IPN codes', () => {
    const a = (o: Parameters<typeof provider.callbackAnswer>[0]) => JSON.parse(provider.callbackAnswer(o).body) as unknown;
    expect(a({ type: 'accepted' })).toEqual({ RspCode: '00', Message: 'Confirm Success' });
    expect(a({ type: 'rejected', reason: 'bad_signature' })).toEqual({ RspCode: '97', Message: 'Invalid signature' });
    expect(a({ type: 'order_not_found' })).toEqual({ RspCode: '01', Message: 'Order not found' });
    expect(a({ type: 'amount_mismatch' })).toEqual({ RspCode: '04', Message: 'Invalid amount' });
    expect(a({ type: 'duplicate' })).toEqual({ RspCode: '02', Message: 'Order already confirmed' });
    expect(provider.callbackAnswer({ type: 'retry_later' }).status).toBe(200);
  });
});
