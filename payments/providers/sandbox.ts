/**
 * @module payments/providers/sandbox
 * The local `sandbox` provider, for development and load tests: creating a payment returns a
 * local payment-page URL (no HTTP call), and its callbacks are signed like a real provider's,
 * HMAC-SHA256(secret, canonical JSON of the body) in the `x-tb-sandbox-signature` header, and
 * verified exactly as strictly (constant-time, every field checked).
 */
import { TbError } from '../../contracts/index.js';
import { wholeAmount } from './amounts.js';
import { bodyText, hmacHex, jsonAnswer, parseJsonObject, redactSignature, signatureMatches } from './crypto.js';
import type { CallbackOutcome, CreatePaymentInput, PaymentProvider, ProviderAnswer, VerifyResult } from './types.js';
import { defineProvider } from './define.js';

/** The header that carries a sandbox callback's signature. */
export const SANDBOX_SIGNATURE_HEADER = 'x-tb-sandbox-signature';

/** Sandbox settings: the signing secret and the gateway's public base URL (for the payment page). */
export interface SandboxConfig {
  readonly secret: string;
  readonly baseUrl: string;
}

/** The body of a sandbox callback. */
export interface SandboxCallbackBody {
  readonly providerTxnId: string;
  readonly orderCode: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly outcome: 'completed' | 'failed' | 'pending';
  /** When the simulated payment finished (ms since epoch). */
  readonly paidAt: number;
}

/**
 * Canonical JSON: object keys sorted (UTF-16 order) at every depth, no whitespace, values as
 * `JSON.stringify` writes them. The same value always gives the same bytes, whatever key order
 * or spacing the sender used.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The signature of a sandbox callback body: HMAC-SHA256(secret, canonicalJson(body)), hex. */
export function sandboxSignature(secret: string, body: unknown): string {
  return hmacHex('sha256', secret, canonicalJson(body));
}

/** A ready-to-send signed callback (what the sandbox payment page posts to the gateway). */
export function signSandboxCallback(secret: string, body: SandboxCallbackBody): { headers: Record<string, string>; body: string } {
  return {
    headers: { 'content-type': 'application/json', [SANDBOX_SIGNATURE_HEADER]: sandboxSignature(secret, body) },
    body: JSON.stringify(body),
  };
}

const OUTCOMES = new Set(['completed', 'failed', 'pending']);

function verify(secret: string, rawBody: string | Uint8Array, signature: string | undefined): VerifyResult {
  if (signature === undefined || signature === '') return { ok: false, reason: 'missing_signature' };
  const body = parseJsonObject(bodyText(rawBody));
  if (!body) return { ok: false, reason: 'malformed', detail: 'body is not a JSON object' };
  if (!signatureMatches(sandboxSignature(secret, body), signature)) return { ok: false, reason: 'bad_signature' };
  const { providerTxnId, orderCode, currency, outcome } = body;
  const amountMinor = wholeAmount(body['amountMinor']);
  if (
    typeof providerTxnId !== 'string' ||
    providerTxnId === '' ||
    typeof orderCode !== 'string' ||
    orderCode === '' ||
    typeof currency !== 'string' ||
    amountMinor === undefined ||
    typeof outcome !== 'string' ||
    !OUTCOMES.has(outcome)
  ) {
    return { ok: false, reason: 'malformed', detail: 'providerTxnId, orderCode, amountMinor, currency, outcome' };
  }
  const event = {
    provider: 'sandbox',
    providerTxnId,
    orderCode,
    amountMinor,
    currency,
    outcome: outcome as SandboxCallbackBody['outcome'],
    raw: body,
  };
  return { ok: true, event };
}

/** Sandbox answers: plain HTTP semantics (200 recorded, 401 refused, 503 send again). */
export function sandboxCallbackAnswer(outcome: CallbackOutcome): ProviderAnswer {
  switch (outcome.type) {
    case 'accepted':
      return jsonAnswer(200, { ok: true });
    case 'duplicate':
      return jsonAnswer(200, { ok: true, duplicate: true });
    case 'order_not_found':
      return jsonAnswer(404, { ok: false, error: 'order_not_found' });
    case 'amount_mismatch':
      return jsonAnswer(409, { ok: false, error: 'amount_mismatch' });
    case 'rejected':
      return jsonAnswer(401, { ok: false, error: outcome.reason });
    case 'retry_later':
      return jsonAnswer(503, { ok: false, error: 'retry_later' });
  }
}

function createPayment(cfg: SandboxConfig, input: CreatePaymentInput) {
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor < 0) {
    throw new TbError('PAYMENT_INVALID_AMOUNT', {
      provider: 'sandbox',
      amountMinor: input.amountMinor,
      reason: 'it must be a non-negative integer',
    });
  }
  const providerRef = `sbx_${input.orderCode}`;
  const page = {
    orderCode: input.orderCode,
    amountMinor: String(input.amountMinor),
    currency: input.currency,
    returnUrl: input.returnUrl,
    callbackUrl: input.callbackUrl,
  };
  // The page parameters are signed too, so a payer cannot edit the amount the page will report.
  const sig = sandboxSignature(cfg.secret, page);
  const query = new URLSearchParams({ ...page, sig }).toString();
  const paymentUrl = `${cfg.baseUrl.replace(/\/+$/, '')}/sandbox/pay/${encodeURIComponent(providerRef)}?${query}`;
  return { paymentUrl, providerRef, request: { ...page, sig: redactSignature(sig) } };
}

/** The sandbox provider; it is always configured (its dev default secret is logged as such by the caller). */
export function createSandboxProvider(cfg: SandboxConfig): PaymentProvider {
  return defineProvider({
    name: 'sandbox',
    configured: cfg.secret !== '',
    settings: ['TB_SANDBOX_PAYMENT_SECRET'],
    createPayment: (input) => createPayment(cfg, input),
    verifyCallback: (req) => verify(cfg.secret, req.body, req.headers[SANDBOX_SIGNATURE_HEADER]),
    callbackAnswer: sandboxCallbackAnswer,
  });
}
