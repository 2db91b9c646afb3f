/**
 * @module payments/refunds/vnpay
 * VNPay refund through the merchant web API (sandbox.vnpayment.vn/apis/docs/truy-van-hoan-tien/
 * querydr&refund.html; VNPay's demo code `vnpay_python` / `vnpay_nodejs` refund handlers): a JSON
 * `POST` to `vnpayApiUrl` (TB_PAYMENT_ENDPOINTS) with `vnp_Command=refund`, signed with
 * `vnp_SecureHash = HMAC-SHA512(hashSecret, vnp_RequestId|vnp_Version|vnp_Command|vnp_TmnCode|
 * vnp_TransactionType|vnp_TxnRef|vnp_Amount|vnp_TransactionNo|vnp_TransactionDate|vnp_CreateBy|
 * vnp_CreateDate|vnp_IpAddr|vnp_OrderInfo)` (values joined by `|` in exactly that order, not
 * encoded). The answer is signed over `vnp_ResponseId|vnp_Command|vnp_ResponseCode|vnp_Message|
 * vnp_TmnCode|vnp_TxnRef|vnp_Amount|vnp_BankCode|vnp_PayDate|vnp_TransactionNo|
 * vnp_TransactionType|vnp_TransactionStatus|vnp_OrderInfo` and refused when it does not verify.
 * `vnp_RequestId` is our refund id (VNPay refuses a repeated request id: code 94).
 */
import { TbError } from '../../contracts/index.js';
import { toVnpayAmount, vndAmount } from '../providers/amounts.js';
import { hmacHex, redactSignature, signatureMatches } from '../providers/crypto.js';
import { callProvider, vnTimestamp } from '../providers/http.js';
import type { ProviderDeps } from '../providers/types.js';
import type { RefundProvider, RefundRequest, RefundResult } from './types.js';

/** VNPay settings for the merchant web API. */
export interface VnpayRefundConfig {
  readonly tmnCode: string;
  readonly hashSecret: string;
  /** `https://sandbox.vnpayment.vn/merchant_webapi/api/transaction` in the sandbox. */
  readonly apiUrl: string;
}

/** The documented order of the refund request's hashed fields. */
export const VNPAY_REFUND_FIELDS = [
  'vnp_RequestId',
  'vnp_Version',
  'vnp_Command',
  'vnp_TmnCode',
  'vnp_TransactionType',
  'vnp_TxnRef',
  'vnp_Amount',
  'vnp_TransactionNo',
  'vnp_TransactionDate',
  'vnp_CreateBy',
  'vnp_CreateDate',
  'vnp_IpAddr',
  'vnp_OrderInfo',
] as const;

/** The documented order of the refund answer's hashed fields. */
export const VNPAY_REFUND_RESPONSE_FIELDS = [
  'vnp_ResponseId',
  'vnp_Command',
  'vnp_ResponseCode',
  'vnp_Message',
  'vnp_TmnCode',
  'vnp_TxnRef',
  'vnp_Amount',
  'vnp_BankCode',
  'vnp_PayDate',
  'vnp_TransactionNo',
  'vnp_TransactionType',
  'vnp_TransactionStatus',
  'vnp_OrderInfo',
] as const;

/** HMAC-SHA512(hashSecret, the `fields` of `data` joined by `|`; a missing field is empty). */
export function vnpayPipeHash(hashSecret: string, fields: readonly string[], data: Readonly<Record<string, unknown>>): string {
  return hmacHex('sha512', hashSecret, fields.map((f) => (data[f] === undefined || data[f] === null ? '' : String(data[f]))).join('|'));
}

/** `vnp_RequestId`: at most 32 characters of A-Z a-z 0-9 (our refund id, without its separators). */
export const vnpayRequestId = (refundId: string) => refundId.replace(/[^A-Za-z0-9]/g, '').slice(0, 32);

async function refund(cfg: VnpayRefundConfig, req: RefundRequest, deps: ProviderDeps): Promise<RefundResult> {
  const vnd = vndAmount('vnpay', req.currency, req.amountMinor);
  const pay = req.payment ?? {};
  const params: Record<string, string> = {
    vnp_RequestId: vnpayRequestId(req.refundId),
    vnp_Version: '2.1.0',
    vnp_Command: 'refund',
    vnp_TmnCode: cfg.tmnCode,
    vnp_TransactionType: '02', // full refund ("02": hoàn trả toàn phần; "03": một phần)
    vnp_TxnRef: req.providerRef ?? req.orderCode,
    vnp_Amount: String(toVnpayAmount(vnd)),
    vnp_TransactionNo: req.providerTxnId.includes(':') ? '0' : req.providerTxnId,
    vnp_TransactionDate: typeof pay['vnp_PayDate'] === 'string' ? pay['vnp_PayDate'] : vnTimestamp(req.requestedAt),
    vnp_CreateBy: (req.requestedBy ?? 'ticketbottle').slice(0, 250),
    vnp_CreateDate: vnTimestamp(deps.now()),
    vnp_IpAddr: '127.0.0.1',
    vnp_OrderInfo: req.description.slice(0, 255),
  };
  const hash = vnpayPipeHash(cfg.hashSecret, VNPAY_REFUND_FIELDS, params);
  const res = await callProvider('vnpay', deps.http, {
    method: 'POST',
    url: cfg.apiUrl,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...params, vnp_SecureHash: hash }),
  });
  const request = { ...params, vnp_SecureHash: redactSignature(hash) };
  if (!signatureMatches(vnpayPipeHash(cfg.hashSecret, VNPAY_REFUND_RESPONSE_FIELDS, res), res['vnp_SecureHash'])) {
    // An answer we cannot trust is no answer: retry with the same request id.
    throw new TbError('PAYMENT_PROVIDER_UNAVAILABLE', { provider: 'vnpay', reason: 'the refund answer carries an invalid signature' });
  }
  const code = String(res['vnp_ResponseCode'] ?? '');
  const providerRefundId = String(res['vnp_TransactionNo'] ?? params.vnp_RequestId);
  const response = { ...res, vnp_SecureHash: undefined };
  if (code === '00') return { status: 'succeeded', providerRefundId, request, response };
  // 94: the same request id is already being handled (a retry of ours): wait and ask again.
  if (code === '94') return { status: 'pending', providerRefundId, request, response };
  return { status: 'failed', providerRefundId, request, response, reason: `${code}: ${String(res['vnp_Message'] ?? '')}` };
}

/** VNPay's refund API; refuses until its secrets are set. `queryRefund` re-sends the same request (VNPay answers 94 while it works). */
export function createVnpayRefunds(cfg: VnpayRefundConfig): RefundProvider {
  const guard = () => {
    if (!cfg.tmnCode || !cfg.hashSecret) throw new TbError('PAYMENT_PROVIDER_UNCONFIGURED', { provider: 'vnpay', settings: 'TB_VNPAY' });
  };
  return {
    name: 'vnpay',
    refund: async (req, deps) => (guard(), refund(cfg, req, deps)),
    queryRefund: async (req, deps) => (guard(), refund(cfg, req, deps)),
  };
}
