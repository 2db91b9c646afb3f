/**
 * @module payments/providers/vnpay
 * VNPay 2.1.0 (sandbox.vnpayment.vn/apis/docs, and VNPay's official Node.js demo `vnpay_nodejs`):
 * a payment URL whose `vnp_*` parameters are sorted, each key and value `encodeURIComponent`-ed
 * with `%20` turned into `+` (the demo's `sortObject`), joined unencoded as `k=v&...` (qs with
 * `encode: false`), and signed with HMAC-SHA512(hashSecret, that string). IPN and return URLs are
 * verified the same way after removing `vnp_SecureHash` and `vnp_SecureHashType`.
 */
import { TbError } from '../../contracts/index.js';
import { VND, fromVnpayAmount, toVnpayAmount, vndAmount } from './amounts.js';
import { hmacHex, jsonAnswer, redactSignature, signatureMatches } from './crypto.js';
import { vnTimestamp } from './http.js';
import type {
  CallbackOutcome,
  CallbackRequest,
  CreatePaymentInput,
  PaymentProvider,
  ProviderAnswer,
  ProviderDeps,
  VerifyResult,
} from './types.js';
import { defineProvider } from './define.js';

/** VNPay credentials (from `TB_VNPAY`). */
export interface VnpayConfig {
  readonly tmnCode: string;
  readonly hashSecret: string;
  readonly payUrl: string;
}

/** The demo's value encoding: `encodeURIComponent`, then `%20` → `+` (so a space is `+`, never `%20`). */
export function vnpayEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

/**
 * The signed string: parameters sorted by (encoded) key, `encodedKey=encodedValue` joined by `&`.
 * Empty values are kept, as the Node.js demo keeps them (it signs whatever it sends).
 */
export function vnpaySignData(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .map((k) => [vnpayEncode(k), vnpayEncode(params[k]!)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** `vnp_SecureHash` = HMAC-SHA512(hashSecret, vnpaySignData(params)), lower-case hex. */
export function vnpaySecureHash(hashSecret: string, params: Readonly<Record<string, string>>): string {
  return hmacHex('sha512', hashSecret, vnpaySignData(params));
}

const TXN_REF = /^[A-Za-z0-9_-]{1,100}$/;

function createPayment(cfg: VnpayConfig, input: CreatePaymentInput, deps: ProviderDeps) {
  const vnd = vndAmount('vnpay', input.currency, input.amountMinor);
  if (!TXN_REF.test(input.orderCode)) {
    throw new TbError('PAYMENT_INVALID_REQUEST', {
      provider: 'vnpay',
      reason: 'the order code must be 1-100 characters of A-Z a-z 0-9 _ -',
    });
  }
  const now = deps.now();
  const params: Record<string, string> = {
    vnp_Version: '2.1.0',
    vnp_Command: 'pay',
    vnp_TmnCode: cfg.tmnCode,
    vnp_Amount: String(toVnpayAmount(vnd)),
    vnp_CurrCode: VND,
    vnp_TxnRef: input.orderCode,
    vnp_OrderInfo: input.description,
    vnp_OrderType: 'other',
    vnp_Locale: 'vn',
    vnp_ReturnUrl: input.returnUrl,
    vnp_IpAddr: input.clientIp ?? '127.0.0.1',
    vnp_CreateDate: vnTimestamp(now),
    vnp_ExpireDate: vnTimestamp(now + (input.expiresInSec ?? 900) * 1000),
  };
  if (input.bankCode) params['vnp_BankCode'] = input.bankCode;
  const hash = vnpaySecureHash(cfg.hashSecret, params);
  // The demo's URL shape: `payUrl?` + the signed string + `&vnp_SecureHash=...`.
  // No HTTP call: VNPay's payment is a signed redirect. The IPN URL is set in VNPay's merchant
  // portal, not per request, so `callbackUrl` is not sent.
  return {
    paymentUrl: `${cfg.payUrl}?${vnpaySignData(params)}&vnp_SecureHash=${hash}`,
    providerRef: input.orderCode,
    request: { ...params, vnp_SecureHash: redactSignature(hash) },
  };
}

/**
 * Outcome of an IPN / return: `vnp_ResponseCode` 00 with `vnp_TransactionStatus` 00 is paid;
 * status 01 ("not completed") and response 07 ("money taken, transaction suspicious") are pending;
 * anything else (24 = the payer cancelled, ...) is failed.
 */
function outcomeOf(responseCode: string, status: string): 'completed' | 'pending' | 'failed' {
  if (responseCode === '00' && status === '00') return 'completed';
  if (status === '01' || responseCode === '07') return 'pending';
  return 'failed';
}

function verifyCallback(cfg: VnpayConfig, req: CallbackRequest): VerifyResult {
  const params: Record<string, string> = {};
  let received: unknown;
  for (const [k, v] of Object.entries(req.query)) {
    if (v === undefined) continue;
    if (typeof v !== 'string') return { ok: false, reason: 'malformed', detail: `parameter ${k} repeated` };
    if (k === 'vnp_SecureHash') received = v;
    else if (k !== 'vnp_SecureHashType') params[k] = v;
  }
  if (received === undefined || received === '') return { ok: false, reason: 'missing_signature' };
  if (!signatureMatches(vnpaySecureHash(cfg.hashSecret, params), received)) return { ok: false, reason: 'bad_signature' };
  if (params['vnp_TmnCode'] !== cfg.tmnCode) return { ok: false, reason: 'wrong_merchant' };
  const amount = fromVnpayAmount(params['vnp_Amount'] ?? '');
  const orderCode = params['vnp_TxnRef'];
  if (amount === undefined || !orderCode) return { ok: false, reason: 'malformed', detail: 'vnp_Amount or vnp_TxnRef' };
  const responseCode = params['vnp_ResponseCode'] ?? '';
  const status = params['vnp_TransactionStatus'] ?? '';
  // vnp_TransactionNo is VNPay's transaction id; it is "0" when no transaction happened (a cancel),
  // which would collide across orders in the inbox, so those are keyed by order and code instead.
  const txnNo = params['vnp_TransactionNo'];
  const providerTxnId = txnNo && txnNo !== '0' ? txnNo : `${orderCode}:${responseCode}`;
  return {
    ok: true,
    event: {
      provider: 'vnpay',
      providerTxnId,
      orderCode,
      amountMinor: amount,
      currency: params['vnp_CurrCode'] ?? VND,
      outcome: outcomeOf(responseCode, status),
      raw: params,
    },
  };
}

/**
 * IPN answers, as VNPay's IPN documentation and demo define them (always HTTP 200, JSON):
 * 00 Confirm Success, 02 Order already confirmed, 01 Order not found, 04 Invalid amount,
 * 97 Invalid signature, 99 Unknown error (VNPay retries the IPN).
 */
export function vnpayCallbackAnswer(outcome: CallbackOutcome): ProviderAnswer {
  switch (outcome.type) {
    case 'accepted':
      return jsonAnswer(200, { RspCode: '00', Message: 'Confirm Success' });
    case 'duplicate':
      return jsonAnswer(200, { RspCode: '02', Message: 'Order already confirmed' });
    case 'order_not_found':
      return jsonAnswer(200, { RspCode: '01', Message: 'Order not found' });
    case 'amount_mismatch':
      return jsonAnswer(200, { RspCode: '04', Message: 'Invalid amount' });
    case 'rejected':
      return outcome.reason === 'bad_signature' || outcome.reason === 'missing_signature'
        ? jsonAnswer(200, { RspCode: '97', Message: 'Invalid signature' })
        : jsonAnswer(200, { RspCode: '99', Message: 'Invalid request' });
    case 'retry_later':
      return jsonAnswer(200, { RspCode: '99', Message: 'Unknown error' });
  }
}

/** The VNPay provider; `configured` is false (and every call refuses) until both secrets are set. */
export function createVnpayProvider(cfg: VnpayConfig): PaymentProvider {
  return defineProvider({
    name: 'vnpay',
    configured: cfg.tmnCode !== '' && cfg.hashSecret !== '',
    settings: ['TB_VNPAY'],
    createPayment: (input, deps) => createPayment(cfg, input, deps),
    verifyCallback: (req) => verifyCallback(cfg, req),
    callbackAnswer: vnpayCallbackAnswer,
  });
}
