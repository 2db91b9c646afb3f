/**
 * @module payments/refunds/types
 * The one interface every provider's refund API sits behind (ZaloPay v2 refund, PayOS payout to
 * the payer's account, VNPay merchant_webapi refund, the local sandbox). A refund is asked with an
 * idempotent request id (`refundId`): asking again with the same id never refunds twice at the
 * provider. No I/O of its own: HTTP is injected (`ProviderDeps`).
 */
import type { ProviderDeps } from '../providers/types.js';

/** One refund to execute: the money transfer `providerTxnId` of payment `orderCode`, `amountMinor` back to the payer. */
export interface RefundRequest {
  /** Our idempotent refund request id (stable across retries; `payment_refunds.id`). */
  readonly refundId: string;
  readonly provider: string;
  readonly providerTxnId: string;
  readonly orderCode: string;
  /** The payment's provider reference (ZaloPay app_trans_id, VNPay vnp_TxnRef, PayOS paymentLinkId). */
  readonly providerRef?: string | null;
  readonly amountMinor: number;
  readonly currency: string;
  readonly description: string;
  /** When the refund was first asked (ms): fixes date-derived ids (ZaloPay `m_refund_id`) across retries. */
  readonly requestedAt: number;
  /** Who asked (VNPay `vnp_CreateBy`). */
  readonly requestedBy?: string;
  /** The verified callback the money came with (payer account for PayOS, pay date for VNPay). */
  readonly payment?: Readonly<Record<string, unknown>> | null;
  /** The provider's refund id from an earlier submission, when it answered "processing". */
  readonly providerRefundId?: string | null;
}

/** What a refund call reports. `pending`: the provider is processing; ask again later with `queryRefund`. */
export interface RefundResult {
  readonly status: 'succeeded' | 'pending' | 'failed';
  readonly providerRefundId?: string;
  /** Why it failed (the provider's code and message). */
  readonly reason?: string;
  /** What was sent (signatures redacted) and what came back, for the refund row. */
  readonly request: Readonly<Record<string, unknown>>;
  readonly response?: unknown;
}

/**
 * A provider's refund API. `refund` rejects with `PAYMENT_PROVIDER_UNAVAILABLE` (no useful answer:
 * retry with the same `refundId`) or `PAYMENT_PROVIDER_UNCONFIGURED`; a provider's "no" is a
 * `failed` result, never a throw. `queryRefund` asks the status of a `pending` refund.
 */
export interface RefundProvider {
  readonly name: string;
  refund(req: RefundRequest, deps: ProviderDeps): Promise<RefundResult>;
  queryRefund(req: RefundRequest, deps: ProviderDeps): Promise<RefundResult>;
}
