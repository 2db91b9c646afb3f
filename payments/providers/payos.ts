/**
 * @module payments/providers/payos
 * PayOS (payos.vn/docs; official SDK payOSHQ/payos-lib-node): payment links signed with
 * HMAC-SHA256(checksumKey, "amount=..&cancelUrl=..&description=..&orderCode=..&returnUrl=.."), and
 * webhooks whose `data` object is signed the way the SDK's `createSignatureFromObj` does it
 * (keys sorted, `key=value` joined by `&`, arrays as JSON of key-sorted elements, null → "").
 */
import { TbError } from '../../contracts/index.js';
import { VND, vndAmount, wholeAmount } from './amounts.js';
import { bodyText, hmacHex, jsonAnswer, parseJsonObject, redactSignature, signatureMatches } from './crypto.js';
import { callProvider } from './http.js';
import type { CallbackOutcome, CreatePaymentInput, PaymentProvider, ProviderAnswer, ProviderDeps, VerifyResult } from './types.js';
import { defineProvider } from './define.js';

/** PayOS credentials (from `TB_PAYOS`). */
export interface PayOsConfig {
  readonly clientId: string;
  readonly apiKey: string;
  readonly checksumKey: string;
  readonly baseUrl: string;
}

/** The signed fields of a payment-link request. */
export interface PayOsPaymentRequestFields {
  readonly amount: number;
  readonly cancelUrl: string;
  readonly description: string;
  readonly orderCode: number;
  readonly returnUrl: string;
}

/** Payment-link `signature`, exactly as the SDK's `createSignatureOfPaymentRequest` (values not URL-encoded). */
export function payOsPaymentRequestSignature(checksumKey: string, f: PayOsPaymentRequestFields): string {
  const data = `amount=${f.amount}&cancelUrl=${f.cancelUrl}&description=${f.description}&orderCode=${f.orderCode}&returnUrl=${f.returnUrl}`;
  return hmacHex('sha256', checksumKey, data);
}

/** The SDK's `sortObjDataByKey`: a shallow copy with keys in ascending (UTF-16) order. */
function sortObjDataByKey(object: unknown): Record<string, unknown> {
  const src = object as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(src).sort()) out[key] = src[key];
  return out;
}

/**
 * The SDK's `convertObjToQueryStr` over key-sorted data, reproduced with its quirks on purpose
 * (a signature must match byte for byte): `undefined` keys are dropped; arrays become the JSON of
 * their key-sorted elements; `null`, and the strings "null" and "undefined", become ""; nested
 * objects stringify as JavaScript does ("[object Object]"); numbers and booleans as `String()`.
 */
export function payOsDataString(data: Record<string, unknown>): string {
  const sorted = sortObjDataByKey(data);
  return Object.keys(sorted)
    .filter((key) => sorted[key] !== undefined)
    .map((key) => {
      let value: unknown = sorted[key];
      if (Array.isArray(value)) value = JSON.stringify(value.map((v: unknown) => sortObjDataByKey(v)));
      if (value === null || value === 'null' || value === 'undefined') value = '';
      return `${key}=${String(value)}`;
    })
    .join('&');
}

/** Signature of a webhook's (or a response's) `data` object: HMAC-SHA256(checksumKey, payOsDataString(data)). */
export function payOsDataSignature(checksumKey: string, data: Record<string, unknown>): string {
  return hmacHex('sha256', checksumKey, payOsDataString(data));
}

const MAX_ORDER_CODE = Number.MAX_SAFE_INTEGER;

async function createPayment(cfg: PayOsConfig, input: CreatePaymentInput, deps: ProviderDeps) {
  const amount = vndAmount('payos', input.currency, input.amountMinor);
  // PayOS order codes are positive integers (docs: "orderCode: number"), so ours must be digits.
  const orderCode = /^[1-9][0-9]{0,15}$/.test(input.orderCode) ? Number(input.orderCode) : NaN;
  if (!Number.isSafeInteger(orderCode) || orderCode > MAX_ORDER_CODE) {
    throw new TbError('PAYMENT_INVALID_REQUEST', {
      provider: 'payos',
      reason: 'PayOS needs a numeric order code (a positive safe integer)',
    });
  }
  const fields = {
    amount,
    cancelUrl: input.cancelUrl ?? input.returnUrl,
    description: input.description,
    orderCode,
    returnUrl: input.returnUrl,
  };
  const signature = payOsPaymentRequestSignature(cfg.checksumKey, fields);
  const expiredAt = Math.floor(deps.now() / 1000) + (input.expiresInSec ?? 900);
  const body = {
    ...fields,
    expiredAt,
    ...(input.items ? { items: input.items.map((i) => ({ name: i.name, quantity: i.quantity, price: i.unitPriceMinor })) } : {}),
  };
  const res = await callProvider('payos', deps.http, {
    method: 'POST',
    url: `${cfg.baseUrl.replace(/\/+$/, '')}/v2/payment-requests`,
    headers: { 'content-type': 'application/json', 'x-client-id': cfg.clientId, 'x-api-key': cfg.apiKey },
    body: JSON.stringify({ ...body, signature }),
  });
  const data = res['data'];
  if (res['code'] !== '00' || data === null || typeof data !== 'object') {
    throw new TbError('PAYMENT_PROVIDER_REJECTED', {
      provider: 'payos',
      providerCode: String(res['code']),
      reason: String(res['desc'] ?? ''),
    });
  }
  const d = data as Record<string, unknown>;
  // The SDK checks the response's signature over `data` too (signatureOpts.response = 'body').
  if (!signatureMatches(payOsDataSignature(cfg.checksumKey, d), res['signature'])) {
    throw new TbError('PAYMENT_PROVIDER_REJECTED', {
      provider: 'payos',
      providerCode: String(res['code']),
      reason: 'the answer carries an invalid signature',
    });
  }
  if (typeof d['checkoutUrl'] !== 'string' || typeof d['paymentLinkId'] !== 'string') {
    throw new TbError('PAYMENT_PROVIDER_UNAVAILABLE', { provider: 'payos', reason: 'the answer has no checkoutUrl' });
  }
  return {
    paymentUrl: d['checkoutUrl'],
    providerRef: d['paymentLinkId'],
    request: { ...body, signature: redactSignature(signature) },
    response: { ...res, signature: undefined },
  };
}

function verifyCallback(cfg: PayOsConfig, rawBody: string | Uint8Array): VerifyResult {
  const body = parseJsonObject(bodyText(rawBody));
  const data = body?.['data'];
  if (!body || data === null || typeof data !== 'object' || Array.isArray(data))
    return { ok: false, reason: 'malformed', detail: 'body must be {code, desc, success, data, signature}' };
  if (body['signature'] === undefined || body['signature'] === '') return { ok: false, reason: 'missing_signature' };
  const d = data as Record<string, unknown>;
  if (!signatureMatches(payOsDataSignature(cfg.checksumKey, d), body['signature'])) return { ok: false, reason: 'bad_signature' };
  const amount = wholeAmount(d['amount']);
  const orderCode = wholeAmount(d['orderCode']);
  if (amount === undefined || orderCode === undefined) return { ok: false, reason: 'malformed', detail: 'amount or orderCode' };
  // One webhook = one bank transfer; its reference identifies it (the payment link id when absent).
  const txn = typeof d['reference'] === 'string' && d['reference'] !== '' ? d['reference'] : d['paymentLinkId'];
  if (typeof txn !== 'string' || txn === '') return { ok: false, reason: 'malformed', detail: 'reference / paymentLinkId' };
  const paid = body['code'] === '00' && d['code'] === '00';
  const currency = typeof d['currency'] === 'string' && d['currency'] !== '' ? d['currency'] : VND;
  const event = {
    provider: 'payos',
    providerTxnId: txn,
    orderCode: String(orderCode),
    amountMinor: amount,
    currency,
    outcome: paid ? ('completed' as const) : ('failed' as const),
    raw: d,
  };
  return { ok: true, event };
}

/**
 * Webhook answers: the docs' response sample is HTTP 200 `{"success": true}`; PayOS retries a
 * webhook that does not get a 2xx. A refused signature gets 400 (the SDK example's answer), and
 * "retry later" a 503 so PayOS sends it again.
 */
export function payOsCallbackAnswer(outcome: CallbackOutcome): ProviderAnswer {
  switch (outcome.type) {
    case 'accepted':
    case 'duplicate':
    case 'order_not_found': // also PayOS's confirm-webhook probe (orderCode 123), which must get a 2xx
    case 'amount_mismatch':
      return jsonAnswer(200, { success: true });
    case 'rejected':
      return jsonAnswer(400, { success: false, error: outcome.reason });
    case 'retry_later':
      return jsonAnswer(503, { success: false, error: 'retry later' });
  }
}

/** The PayOS provider; `configured` is false (and every call refuses) until all three secrets are set. */
export function createPayOsProvider(cfg: PayOsConfig): PaymentProvider {
  return defineProvider({
    name: 'payos',
    configured: cfg.clientId !== '' && cfg.apiKey !== '' && cfg.checksumKey !== '',
    settings: ['TB_PAYOS'],
    createPayment: (input, deps) => createPayment(cfg, input, deps),
    verifyCallback: (req) => verifyCallback(cfg, req.body),
    callbackAnswer: payOsCallbackAnswer,
  });
}
