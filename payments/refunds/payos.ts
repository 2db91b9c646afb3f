/**
 * @module payments/refunds/payos
 * PayOS has no card-style refund of a received bank transfer: money goes back as a payout to the
 * payer's account (official SDK payOSHQ/payos-lib-node `src/resources/v1/payouts/payouts.ts`):
 * `POST <base>/v1/payouts/` (the SDK's path, trailing slash included) with `x-client-id`, `x-api-key`, `x-idempotency-key` (our refund id:
 * PayOS creates one payout per key) and `x-signature` = the SDK's `createSignature(checksumKey,
 * body)` (`src/crypto/node-crypto.ts`): keys deep-sorted, `encodeURIComponent(key)=
 * encodeURIComponent(value)` joined by `&`, HMAC-SHA256 in hex. The payer's account comes from
 * the verified webhook (`counterAccountBankId`, `counterAccountNumber`); without it the refund
 * fails for an operator to do by hand. Status is read back with `GET /v1/payouts/{id}`. PayOS's other
 * "cancel" call, `POST /v2/payment-requests/{id}/cancel {cancellationReason}` (no request
 * signature; the answer's `signature` covers `data`), only closes an unpaid payment link: it moves
 * no money, so it is no refund; received money goes back only as a payout.
 */
import { TbError } from '../../contracts/index.js';
import { vndAmount } from '../providers/amounts.js';
import { hmacHex, redactSignature, signatureMatches } from '../providers/crypto.js';
import { callProvider } from '../providers/http.js';
import type { PayOsConfig } from '../providers/payos.js';
import type { ProviderDeps } from '../providers/types.js';
import type { RefundProvider, RefundRequest, RefundResult } from './types.js';

function deepSort(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepSort);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, deepSort(o[k])]),
    );
  }
  return v;
}

/** The SDK's `createSignature(key, json)` with its defaults (`encodeUri: true`): the header signature of payouts. */
export function payOsHeaderSignature(checksumKey: string, data: Record<string, unknown>): string {
  const sorted = deepSort(data) as Record<string, unknown>;
  const query = Object.keys(sorted)
    .map((key) => {
      let value = sorted[key];
      if (Array.isArray(value) || (value !== null && typeof value === 'object')) value = JSON.stringify(value);
      if (value === null || value === undefined) value = '';
      return `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`;
    })
    .join('&');
  return hmacHex('sha256', checksumKey, query);
}

const STATE: Record<string, RefundResult['status']> = {
  SUCCEEDED: 'succeeded',
  COMPLETED: 'succeeded',
  FAILED: 'failed',
  REJECTED: 'failed',
  CANCELLED: 'failed',
  REVERSED: 'failed',
};

function resultOf(
  cfg: PayOsConfig,
  res: Record<string, unknown>,
  headers: Readonly<Record<string, string>> | undefined,
  request: Record<string, unknown>,
): RefundResult {
  if (res['code'] !== '00' || res['data'] === null || typeof res['data'] !== 'object') {
    return { status: 'failed', request, response: res, reason: `${String(res['code'])}: ${String(res['desc'] ?? '')}` };
  }
  const data = res['data'] as Record<string, unknown>;
  // The SDK verifies payout answers by their `x-signature` header over `data` (signatureOpts.response = 'header').
  if (!signatureMatches(payOsHeaderSignature(cfg.checksumKey, data), headers?.['x-signature'])) {
    throw new TbError('PAYMENT_PROVIDER_UNAVAILABLE', { provider: 'payos', reason: 'the payout answer carries an invalid signature' });
  }
  const txn = Array.isArray(data['transactions']) ? (data['transactions'][0] as Record<string, unknown> | undefined) : undefined;
  const state = String(txn?.['state'] ?? data['approvalState'] ?? '');
  const status = STATE[state] ?? 'pending';
  return {
    status,
    providerRefundId: String(data['id'] ?? ''),
    request,
    response: res,
    ...(status === 'failed' ? { reason: `${state}: ${String(txn?.['errorMessage'] ?? '')}` } : {}),
  };
}

const headersOf = (cfg: PayOsConfig) => ({ 'content-type': 'application/json', 'x-client-id': cfg.clientId, 'x-api-key': cfg.apiKey });
const base = (cfg: PayOsConfig) => cfg.baseUrl.replace(/\/+$/, '');

async function refund(cfg: PayOsConfig, req: RefundRequest, deps: ProviderDeps): Promise<RefundResult> {
  const amount = vndAmount('payos', req.currency, req.amountMinor);
  const pay = req.payment ?? {};
  const toBin = typeof pay['counterAccountBankId'] === 'string' ? pay['counterAccountBankId'] : '';
  const toAccountNumber = typeof pay['counterAccountNumber'] === 'string' ? pay['counterAccountNumber'] : '';
  const body = { referenceId: req.refundId, amount, description: req.description.slice(0, 25), toBin, toAccountNumber };
  if (!toBin || !toAccountNumber)
    return { status: 'failed', request: body, reason: "the payer's account is unknown (no counterAccount in the webhook): refund by hand" };
  const signature = payOsHeaderSignature(cfg.checksumKey, body);
  const res = await deps.http({
    method: 'POST',
    url: `${base(cfg)}/v1/payouts/`,
    headers: { ...headersOf(cfg), 'x-idempotency-key': req.refundId, 'x-signature': signature },
    body: JSON.stringify(body),
  });
  const parsed = await callProvider('payos', async () => res, { method: 'POST', url: '', headers: {} });
  return resultOf(cfg, parsed, res.headers, { ...body, signature: redactSignature(signature) });
}

async function queryRefund(cfg: PayOsConfig, req: RefundRequest, deps: ProviderDeps): Promise<RefundResult> {
  if (!req.providerRefundId) return refund(cfg, req, deps); // the idempotency key makes a re-send safe
  const res = await deps.http({
    method: 'GET',
    url: `${base(cfg)}/v1/payouts/${encodeURIComponent(req.providerRefundId)}`,
    headers: headersOf(cfg),
  });
  const parsed = await callProvider('payos', async () => res, { method: 'GET', url: '', headers: {} });
  return resultOf(cfg, parsed, res.headers, { payoutId: req.providerRefundId });
}

/** PayOS refunds as payouts; refuses until its secrets are set. */
export function createPayOsRefunds(cfg: PayOsConfig): RefundProvider {
  const guard = () => {
    if (!cfg.clientId || !cfg.apiKey || !cfg.checksumKey)
      throw new TbError('PAYMENT_PROVIDER_UNCONFIGURED', {
        provider: 'payos',
        settings: 'TB_PAYOS',
      });
  };
  return {
    name: 'payos',
    refund: async (req, deps) => (guard(), refund(cfg, req, deps)),
    queryRefund: async (req, deps) => (guard(), queryRefund(cfg, req, deps)),
  };
}
