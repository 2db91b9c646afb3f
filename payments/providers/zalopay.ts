/**
 * @module payments/providers/zalopay
 * ZaloPay v2 (docs.zalopay.vn/v2, "Tạo đơn hàng" and "Callback"): create an order signed with
 * key1 over `app_id|app_trans_id|app_user|amount|app_time|embed_data|item`, and verify callbacks
 * signed with key2 over the raw `data` string. A callback is only sent for money received, so a
 * verified callback is always `completed`.
 */
import { TbError } from '../../contracts/index.js';
import { VND, vndAmount, wholeAmount } from './amounts.js';
import { bodyText, hmacHex, jsonAnswer, parseJsonObject, redactSignature, signatureMatches } from './crypto.js';
import { callProvider, vnYymmdd } from './http.js';
import type { CallbackOutcome, CreatePaymentInput, PaymentProvider, ProviderAnswer, ProviderDeps, VerifyResult } from './types.js';
import { defineProvider } from './define.js';

/** ZaloPay credentials (from `TB_ZALOPAY`). */
export interface ZaloPayConfig {
  readonly appId: string;
  readonly key1: string;
  readonly key2: string;
  readonly endpoint: string;
}

/** The create-order fields that the mac covers, in the documented order. */
export interface ZaloPayMacFields {
  readonly app_id: string | number;
  readonly app_trans_id: string;
  readonly app_user: string;
  readonly amount: number;
  readonly app_time: number;
  readonly embed_data: string;
  readonly item: string;
}

/** `mac` of a create-order request: HMAC-SHA256(key1, app_id|app_trans_id|app_user|amount|app_time|embed_data|item). */
export function zaloPayOrderMac(key1: string, f: ZaloPayMacFields): string {
  return hmacHex('sha256', key1, [f.app_id, f.app_trans_id, f.app_user, f.amount, f.app_time, f.embed_data, f.item].join('|'));
}

/** `mac` of a callback: HMAC-SHA256(key2, data), over the `data` string exactly as received. */
export function zaloPayCallbackMac(key2: string, data: string): string {
  return hmacHex('sha256', key2, data);
}

/** `app_trans_id` = `yymmdd` (Vietnam time) + `_` + our order code; at most 40 characters. */
export function zaloPayAppTransId(nowMs: number, orderCode: string): string {
  return `${vnYymmdd(nowMs)}_${orderCode}`;
}

const ORDER_CODE = /^[A-Za-z0-9_-]{1,33}$/;

async function createPayment(cfg: ZaloPayConfig, input: CreatePaymentInput, deps: ProviderDeps) {
  const amount = vndAmount('zalopay', input.currency, input.amountMinor);
  if (!ORDER_CODE.test(input.orderCode)) {
    throw new TbError('PAYMENT_INVALID_REQUEST', {
      provider: 'zalopay',
      reason: 'the order code must be 1-33 characters of A-Z a-z 0-9 _ -',
    });
  }
  const now = deps.now();
  const fields = {
    app_id: cfg.appId,
    app_trans_id: zaloPayAppTransId(now, input.orderCode),
    app_user: input.userRef ?? 'ticketbottle',
    app_time: now,
    amount,
    // embed_data.redirecturl is where ZaloPay sends the browser after paying (docs: "embed_data").
    embed_data: JSON.stringify({ redirecturl: input.returnUrl }),
    item: JSON.stringify((input.items ?? []).map((i) => ({ itemname: i.name, itemquantity: i.quantity, itemprice: i.unitPriceMinor }))),
  };
  const mac = zaloPayOrderMac(cfg.key1, fields);
  const form = {
    ...fields,
    app_id: cfg.appId,
    amount: String(amount),
    app_time: String(now),
    description: input.description,
    bank_code: input.bankCode ?? '',
    callback_url: input.callbackUrl,
    expire_duration_seconds: String(input.expiresInSec ?? 900),
  };
  const res = await callProvider('zalopay', deps.http, {
    method: 'POST',
    url: cfg.endpoint,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form, mac }).toString(),
  });
  if (res['return_code'] !== 1 || typeof res['order_url'] !== 'string') {
    const providerCode = `${String(res['return_code'])}/${String(res['sub_return_code'])}`;
    throw new TbError('PAYMENT_PROVIDER_REJECTED', {
      provider: 'zalopay',
      providerCode,
      reason: String(res['sub_return_message'] ?? res['return_message'] ?? ''),
    });
  }
  return { paymentUrl: res['order_url'], providerRef: fields.app_trans_id, request: { ...form, mac: redactSignature(mac) }, response: res };
}

function verifyCallback(cfg: ZaloPayConfig, rawBody: string | Uint8Array): VerifyResult {
  const body = parseJsonObject(bodyText(rawBody));
  if (!body || typeof body['data'] !== 'string') return { ok: false, reason: 'malformed', detail: 'body must be {data, mac, type}' };
  if (body['mac'] === undefined || body['mac'] === '') return { ok: false, reason: 'missing_signature' };
  if (!signatureMatches(zaloPayCallbackMac(cfg.key2, body['data']), body['mac'])) return { ok: false, reason: 'bad_signature' };
  const data = parseJsonObject(body['data']);
  if (!data) return { ok: false, reason: 'malformed', detail: 'data is not a JSON object' };
  if (String(data['app_id']) !== cfg.appId) return { ok: false, reason: 'wrong_merchant' };
  const transId = typeof data['app_trans_id'] === 'string' ? /^[0-9]{6}_(.+)$/.exec(data['app_trans_id']) : null;
  // zp_trans_id is a 15-digit long: read its digits from the text so no precision is ever lost.
  const zpTransId = /"zp_trans_id"\s*:\s*"?([0-9]{1,20})"?/.exec(body['data']);
  const amount = wholeAmount(data['amount']);
  if (!transId || !zpTransId || amount === undefined)
    return { ok: false, reason: 'malformed', detail: 'app_trans_id, zp_trans_id or amount' };
  const event = {
    provider: 'zalopay',
    providerTxnId: zpTransId[1]!,
    orderCode: transId[1]!,
    amountMinor: amount,
    currency: VND,
    outcome: 'completed' as const,
    raw: data,
  };
  return { ok: true, event };
}

/**
 * Callback answers. Documented: `return_code` 1 = success, 2 = this zp_trans_id was already
 * handled; the official quickstart answers -1 for a wrong mac and 0 when ZaloPay should call
 * again (it retries, at most 3 times).
 */
export function zaloPayCallbackAnswer(outcome: CallbackOutcome): ProviderAnswer {
  switch (outcome.type) {
    case 'accepted':
      return jsonAnswer(200, { return_code: 1, return_message: 'success' });
    case 'duplicate':
      return jsonAnswer(200, { return_code: 2, return_message: 'duplicate zp_trans_id' });
    case 'rejected':
      return jsonAnswer(200, {
        return_code: -1,
        return_message: outcome.reason === 'bad_signature' || outcome.reason === 'missing_signature' ? 'mac not equal' : outcome.reason,
      });
    // The money was taken: the callback is recorded and flagged for a refund, so ZaloPay must not retry.
    case 'order_not_found':
      return jsonAnswer(200, { return_code: -1, return_message: 'order not found' });
    case 'amount_mismatch':
      return jsonAnswer(200, { return_code: -1, return_message: 'amount mismatch' });
    case 'retry_later':
      return jsonAnswer(200, { return_code: 0, return_message: 'retry' });
  }
}

/** The ZaloPay provider; `configured` is false (and every call refuses) until all three secrets are set. */
export function createZaloPayProvider(cfg: ZaloPayConfig): PaymentProvider {
  return defineProvider({
    name: 'zalopay',
    configured: cfg.appId !== '' && cfg.key1 !== '' && cfg.key2 !== '',
    settings: ['TB_ZALOPAY'],
    createPayment: (input, deps) => createPayment(cfg, input, deps),
    verifyCallback: (req) => verifyCallback(cfg, req.body),
    callbackAnswer: zaloPayCallbackAnswer,
  });
}
