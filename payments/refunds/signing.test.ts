/**
 * @module payments/refunds/signing.test
 * The refund APIs' signing against vectors (each checked with `openssl dgst -hmac`; the
 * providers publish no refund example whose secret is public, so these are built from the
 * documented formulas, as docs/payments.md says), and the answers each client refuses: a
 * provider answer with a wrong signature is never taken as a refund.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson, sandboxSignature } from '../providers/sandbox.js';
import type { HttpRequest } from '../providers/types.js';
import { createHmac } from 'node:crypto';
import { createPayOsRefunds, payOsHeaderSignature } from './payos.js';
import { createSandboxRefunds } from './sandbox.js';
import { VNPAY_REFUND_FIELDS, VNPAY_REFUND_RESPONSE_FIELDS, createVnpayRefunds, vnpayPipeHash } from './vnpay.js';
import { createZaloPayRefunds, zaloPayQueryRefundMac, zaloPayRefundId, zaloPayRefundMac } from './zalopay.js';

const ZP_KEY1 = 'PcY4iZIKFCIdgZvA6ueMcMHHUbRLYjPL'; // ZaloPay's public sandbox key1 of app 2553 (its code samples)
const req = {
  refundId: 'rf_abc',
  provider: 'x',
  providerTxnId: '190308000000022',
  orderCode: '123456789012',
  amountMinor: 50_000,
  currency: 'VND',
  description: 'ZaloPay Refund Demo',
  requestedAt: Date.UTC(2024, 4, 21, 3, 0, 0),
};

describe('refund signing', () => {
  it('zalopay - refund mac = HMAC-SHA256(key1, app_id|zp_trans_id|amount|description|timestamp)', () => {
    expect(
      zaloPayRefundMac(ZP_KEY1, {
        app_id: 2553,
        zp_trans_id: '190308000000022',
        amount: 50_000,
        description: 'ZaloPay Refund Demo',
        timestamp: 1552034765011,
      }),
    ).toBe('fe2f99b9c2d74976cbc4706d02794c75ec87f464d2e4bfa1cd76563f70498770');
  });

  it('zalopay - query_refund mac = HMAC-SHA256(key1, app_id|m_refund_id|timestamp); m_refund_id is yymmdd_appid_digits and stable', () => {
    expect(zaloPayQueryRefundMac(ZP_KEY1, { app_id: 2553, m_refund_id: '190308_2553_1234567890', timestamp: 1552034765011 })).toBe(
      'bceb0227fa7b69b58d467fde86504d499a92928188da01de39e25e1a3f2b7eb5',
    );
    const id = zaloPayRefundId('2553', 'rf_abc', req.requestedAt);
    expect(id).toMatch(/^240521_2553_[0-9]{10}$/);
    expect(zaloPayRefundId('2553', 'rf_abc', req.requestedAt)).toBe(id);
  });

  it('zalopay - sends the signed form to /v2/refund and maps return_code 1/3/2', async () => {
    const sent: HttpRequest[] = [];
    const api = createZaloPayRefunds({ appId: '2553', key1: ZP_KEY1, key2: 'k2', endpoint: 'https://sb-openapi.zalopay.vn/v2/create' });
    for (const [code, status] of [
      [1, 'succeeded'],
      [3, 'pending'],
      [2, 'failed'],
    ] as const) {
      const r = await api.refund(req, {
        now: () => 1552034765011,
        http: async (h) => {
          sent.push(h);
          return { status: 200, body: JSON.stringify({ return_code: code, return_message: 'x', refund_id: 77 }) };
        },
      });
      expect(r.status).toBe(status);
    }
    expect(sent[0]!.url).toBe('https://sb-openapi.zalopay.vn/v2/refund');
    const form = new URLSearchParams(sent[0]!.body);
    expect(form.get('mac')).toBe('fe2f99b9c2d74976cbc4706d02794c75ec87f464d2e4bfa1cd76563f70498770');
    expect(form.get('m_refund_id')).toMatch(/^240521_2553_/);
  });

  it('vnpay - refund hash over the documented pipe order (HMAC-SHA512)', () => {
    const params = {
      vnp_RequestId: 'rf123',
      vnp_Version: '2.1.0',
      vnp_Command: 'refund',
      vnp_TmnCode: 'DEMOV210',
      vnp_TransactionType: '02',
      vnp_TxnRef: '123456789012',
      vnp_Amount: '10000000',
      vnp_TransactionNo: '14226112',
      vnp_TransactionDate: '20240521103000',
      vnp_CreateBy: 'ticketbottle',
      vnp_CreateDate: '20240522090000',
      vnp_IpAddr: '127.0.0.1',
      vnp_OrderInfo: 'Hoan tien don 123456789012',
    };
    expect(vnpayPipeHash('SECRETKEYVNPAYDEMO', VNPAY_REFUND_FIELDS, params)).toBe(
      'dbef166a97d978ce0e1200f12dcd8c86c63285826aa4afd6625e3039b0bfc13eaee6cede3945b343d143b1c1ecc80daeda7231d864852eac3ca4f99a20e05497',
    );
  });

  it('vnpay - a refund answer whose vnp_SecureHash does not verify is not a refund', async () => {
    const api = createVnpayRefunds({
      tmnCode: 'DEMOV210',
      hashSecret: 'SECRETKEYVNPAYDEMO',
      apiUrl: 'https://vnpay.test/merchant_webapi/api/transaction',
    });
    const answer = {
      vnp_ResponseId: 'r1',
      vnp_Command: 'refund',
      vnp_ResponseCode: '00',
      vnp_Message: 'OK',
      vnp_TmnCode: 'DEMOV210',
      vnp_TxnRef: '123456789012',
      vnp_Amount: '5000000',
      vnp_BankCode: 'NCB',
      vnp_PayDate: '20240521103000',
      vnp_TransactionNo: '1',
      vnp_TransactionType: '02',
      vnp_TransactionStatus: '05',
      vnp_OrderInfo: 'x',
    };
    const good = { ...answer, vnp_SecureHash: vnpayPipeHash('SECRETKEYVNPAYDEMO', VNPAY_REFUND_RESPONSE_FIELDS, answer) };
    const deps = (body: unknown) => ({ now: () => req.requestedAt, http: async () => ({ status: 200, body: JSON.stringify(body) }) });
    expect((await api.refund({ ...req, providerTxnId: '14226112' }, deps(good))).status).toBe('succeeded');
    await expect(
      api.refund({ ...req, providerTxnId: '14226112' }, deps({ ...good, vnp_ResponseCode: '00', vnp_Amount: '9999900' })),
    ).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' });
  });

  it('payos - payout x-signature = the SDK createSignature (sorted, URI-encoded key=value, HMAC-SHA256)', () => {
    expect(
      payOsHeaderSignature('test_checksum_key', {
        referenceId: 'rf_1',
        amount: 50_000,
        description: 'Hoan tien',
        toBin: '970422',
        toAccountNumber: '0123456789',
      }),
    ).toBe('1a7e6b3c609ac30338c84daa948b98a9a83a1340a4e9acc59a0b317b8c23af16');
  });

  it('payos - the payout request matches the SDK contract; the vector is computed here from the spelled-out query string', async () => {
    const key = 'test_checksum_key';
    // Independently: keys sorted by hand, values URI-encoded by hand (checked against Python's hmac as well).
    const query =
      'amount=120000&description=Ho%C3%A0n%20ti%E1%BB%81n%20%C4%91%C6%A1n%20%23A1&referenceId=rf_2&toAccountNumber=0123456789&toBin=970422';
    const expected = createHmac('sha256', key).update(query).digest('hex');
    expect(expected).toBe('8325ab5a8cdd212554a493d5202979ada9cc5aef2b00e1ddd08d0aa56e908a5a'); // Python: hmac.new(key, query, sha256)
    let sent: HttpRequest | undefined;
    const api = createPayOsRefunds({ clientId: 'cid', apiKey: 'akey', checksumKey: key, baseUrl: 'https://api-merchant.payos.vn/' });
    const data = {
      id: 'po_1',
      referenceId: 'rf_2',
      approvalState: 'COMPLETED',
      transactions: [{ id: 'pt_1', state: 'SUCCEEDED', amount: 120_000 }],
      category: null,
      createdAt: '2026-12-03T00:00:00Z',
    };
    const answer = (sig: string) => async (h: HttpRequest) => {
      sent = h;
      return { status: 200, headers: { 'x-signature': sig }, body: JSON.stringify({ code: '00', desc: 'success', data }) };
    };
    const refundReq = {
      ...req,
      refundId: 'rf_2',
      amountMinor: 120_000,
      description: 'Hoàn tiền đơn #A1',
      payment: { counterAccountBankId: '970422', counterAccountNumber: '0123456789' },
    };
    const r = await api.refund(refundReq, { now: () => 1, http: answer(payOsHeaderSignature(key, data)) });
    expect(r).toMatchObject({ status: 'succeeded', providerRefundId: 'po_1' });
    expect(sent!.method).toBe('POST');
    expect(sent!.url).toBe('https://api-merchant.payos.vn/v1/payouts/');
    expect(sent!.headers).toMatchObject({
      'x-client-id': 'cid',
      'x-api-key': 'akey',
      'x-idempotency-key': 'rf_2',
      'x-signature': expected,
      'content-type': 'application/json',
    });
    expect(JSON.parse(sent!.body!)).toEqual({
      referenceId: 'rf_2',
      amount: 120_000,
      description: 'Hoàn tiền đơn #A1',
      toBin: '970422',
      toAccountNumber: '0123456789',
    });
    // The answer's x-signature covers `data` the same way; a wrong one is refused, not believed.
    await expect(api.refund(refundReq, { now: () => 1, http: answer(payOsHeaderSignature('another key', data)) })).rejects.toMatchObject({
      code: 'PAYMENT_PROVIDER_UNAVAILABLE',
    });
  });

  it('sandbox - requests are signed over canonical JSON, and an answer with a wrong signature is refused', async () => {
    const secret = 'sandbox-unit-secret';
    const api = createSandboxRefunds({ secret, refundUrl: 'http://desk.test/refunds' });
    let signedBody = '';
    let sig = '';
    const ok = { refundId: 'rf_abc', status: 'SUCCEEDED', sandboxRefundId: 'sbxr_rf_abc', amountMinor: 50_000, duplicate: false };
    const r = await api.refund(req, {
      now: () => 1,
      http: async (h) => {
        signedBody = h.body!;
        sig = h.headers['x-tb-sandbox-signature']!;
        return { status: 200, headers: { 'x-tb-sandbox-signature': sandboxSignature(secret, ok) }, body: JSON.stringify(ok) };
      },
    });
    expect(r.status).toBe('succeeded');
    expect(sig).toBe(sandboxSignature(secret, JSON.parse(signedBody)));
    expect(canonicalJson(JSON.parse(signedBody))).toContain('"refundId":"rf_abc"');
    await expect(
      api.refund(req, {
        now: () => 1,
        http: async () => ({ status: 200, headers: { 'x-tb-sandbox-signature': sandboxSignature('wrong', ok) }, body: JSON.stringify(ok) }),
      }),
    ).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' });
  });
});
