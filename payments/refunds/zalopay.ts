/**
 * @module payments/refunds/zalopay
 * ZaloPay v2 refund (docs.zalopay.vn/v2/general/overview.html, "Hoàn tiền giao dịch" and "Truy
 * vấn trạng thái hoàn tiền"; official samples zalopay-samples/quickstart-payment-gateway):
 * `POST <base>/v2/refund` form fields `app_id, m_refund_id, zp_trans_id, amount, timestamp,
 * description, mac` with `mac = HMAC-SHA256(key1, app_id|zp_trans_id|amount|description|timestamp)`;
 * `POST <base>/v2/query_refund` with `mac = HMAC-SHA256(key1, app_id|m_refund_id|timestamp)`.
 * `m_refund_id` has the documented shape `yymmdd_appid_xxxxxxxxxx` (Vietnam date), and ZaloPay
 * refunds one `m_refund_id` once: we derive it from the refund id and the day it was first asked,
 * so every retry sends the same one. `return_code` 1 = refunded, 2 = failed, 3 = processing.
 */
import { createHash } from 'node:crypto';
import { TbError } from '../../contracts/index.js';
import { vndAmount } from '../providers/amounts.js';
import { hmacHex, redactSignature } from '../providers/crypto.js';
import { callProvider, vnYymmdd } from '../providers/http.js';
import type { ProviderDeps } from '../providers/types.js';
import type { ZaloPayConfig } from '../providers/zalopay.js';
import type { RefundProvider, RefundRequest, RefundResult } from './types.js';

/** `mac` of a refund request: HMAC-SHA256(key1, `app_id|zp_trans_id|amount|description|timestamp`). */
export function zaloPayRefundMac(
  key1: string,
  f: { app_id: string | number; zp_trans_id: string; amount: number; description: string; timestamp: number },
): string {
  return hmacHex('sha256', key1, [f.app_id, f.zp_trans_id, f.amount, f.description, f.timestamp].join('|'));
}

/** `mac` of a refund-status query: HMAC-SHA256(key1, `app_id|m_refund_id|timestamp`). */
export function zaloPayQueryRefundMac(key1: string, f: { app_id: string | number; m_refund_id: string; timestamp: number }): string {
  return hmacHex('sha256', key1, [f.app_id, f.m_refund_id, f.timestamp].join('|'));
}

/** `m_refund_id` = `yymmdd_appid_` + 10 digits derived from our refund id (same id, same day → same value). */
export function zaloPayRefundId(appId: string, refundId: string, requestedAt: number): string {
  const digits = (BigInt(`0x${createHash('sha256').update(refundId).digest('hex').slice(0, 15)}`) % 10_000_000_000n)
    .toString()
    .padStart(10, '0');
  return `${vnYymmdd(requestedAt)}_${appId}_${digits}`;
}

/** The refund endpoints sit beside the create endpoint (`…/v2/create` → `…/v2/refund`). */
const endpointOf = (cfg: ZaloPayConfig, verb: 'refund' | 'query_refund') => `${cfg.endpoint.replace(/\/create\/?$/, '')}/${verb}`;

function resultOf(res: Record<string, unknown>, mRefundId: string, request: Record<string, unknown>): RefundResult {
  const code = res['return_code'];
  const base = { providerRefundId: String(res['refund_id'] ?? mRefundId), request, response: res };
  if (code === 1) return { status: 'succeeded', ...base };
  if (code === 3) return { status: 'pending', ...base };
  return {
    status: 'failed',
    ...base,
    reason: `${String(code)}/${String(res['sub_return_code'])}: ${String(res['sub_return_message'] ?? res['return_message'] ?? '')}`,
  };
}

async function refund(cfg: ZaloPayConfig, req: RefundRequest, deps: ProviderDeps): Promise<RefundResult> {
  const amount = vndAmount('zalopay', req.currency, req.amountMinor);
  const timestamp = deps.now();
  const m_refund_id = zaloPayRefundId(cfg.appId, req.refundId, req.requestedAt);
  const fields = { app_id: cfg.appId, zp_trans_id: req.providerTxnId, amount, description: req.description.slice(0, 100), timestamp };
  const mac = zaloPayRefundMac(cfg.key1, fields);
  const form = {
    app_id: cfg.appId,
    m_refund_id,
    zp_trans_id: fields.zp_trans_id,
    amount: String(amount),
    timestamp: String(timestamp),
    description: fields.description,
  };
  const res = await callProvider('zalopay', deps.http, {
    method: 'POST',
    url: endpointOf(cfg, 'refund'),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form, mac }).toString(),
  });
  return resultOf(res, m_refund_id, { ...form, mac: redactSignature(mac) });
}

async function queryRefund(cfg: ZaloPayConfig, req: RefundRequest, deps: ProviderDeps): Promise<RefundResult> {
  const timestamp = deps.now();
  const m_refund_id = zaloPayRefundId(cfg.appId, req.refundId, req.requestedAt);
  const mac = zaloPayQueryRefundMac(cfg.key1, { app_id: cfg.appId, m_refund_id, timestamp });
  const form = { app_id: cfg.appId, m_refund_id, timestamp: String(timestamp) };
  const res = await callProvider('zalopay', deps.http, {
    method: 'POST',
    url: endpointOf(cfg, 'query_refund'),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form, mac }).toString(),
  });
  return resultOf(res, m_refund_id, { ...form, mac: redactSignature(mac) });
}

/** ZaloPay's refund API; refuses (`PAYMENT_PROVIDER_UNCONFIGURED`) until its secrets are set. */
export function createZaloPayRefunds(cfg: ZaloPayConfig): RefundProvider {
  const guard = () => {
    if (!cfg.appId || !cfg.key1) throw new TbError('PAYMENT_PROVIDER_UNCONFIGURED', { provider: 'zalopay', settings: 'TB_ZALOPAY' });
  };
  return {
    name: 'zalopay',
    refund: async (req, deps) => (guard(), refund(cfg, req, deps)),
    queryRefund: async (req, deps) => (guard(), queryRefund(cfg, req, deps)),
  };
}
