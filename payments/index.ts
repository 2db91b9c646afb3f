/**
 * @module payments
 * The payments front door: the payment providers (ZaloPay, PayOS, VNPay, the local sandbox)
 * behind one interface, their signing functions (exported so tests and tools can check them
 * against the providers' published examples), and the default HTTP client; the payment store
 * (payment rows + outbox in one transaction), the callback inbox, and the outbox relay.
 * Import only from here.
 * See docs/payments.md for algorithms, sources, amounts and callback answers.
 */
export { createPaymentProviders, hasSandbox, ProviderName } from './providers/registry.js';
export { fetchHttpClient } from './providers/http.js';
export { PaymentOutcome, CallbackRejection } from './providers/types.js';
export { VND, VNPAY_AMOUNT_FACTOR } from './providers/amounts.js';
export { createZaloPayProvider, zaloPayOrderMac, zaloPayCallbackMac, zaloPayAppTransId } from './providers/zalopay.js';
export { createPayOsProvider, payOsPaymentRequestSignature, payOsDataSignature, payOsDataString } from './providers/payos.js';
export { createVnpayProvider, vnpaySignData, vnpaySecureHash, vnpayEncode } from './providers/vnpay.js';
export {
  createSandboxProvider,
  signSandboxCallback,
  sandboxSignature,
  canonicalJson,
  SANDBOX_SIGNATURE_HEADER,
} from './providers/sandbox.js';

export { createPaymentStore } from './store.js';
export { createWebhookHandler, outcomeOf, callbackQuery } from './webhooks.js';
export { createSandboxPayer, verifySandboxLink, SANDBOX_CALLBACK_PATH } from './sandbox-pay.js';
export { renderSandboxPayPage, renderResultPage } from './sandbox-page.js';
export { startOutboxRelay, enqueuePaymentEvent, backoffMs, OUTBOX_CHANNEL } from './outbox-relay.js';
export { recordCallbackTx, decideCallback, callbackMsgId } from './inbox.js';
export { createRefundProviders } from './refunds/registry.js';
export { requestRefund, requestRefundTx, executeRefund, refundIdFor, refundsOfOrder, RefundReason } from './refunds/store.js';
export { startRefundWorker, refundIdOf, REFUND_WORKER_CONSUMER, REFUND_WORKER_FILTER } from './refunds/worker.js';
export { createSandboxRefundDesk } from './refunds/sandbox-desk.js';
export { createSandboxRefunds, SANDBOX_REFUND_PATH } from './refunds/sandbox.js';
export { createZaloPayRefunds, zaloPayRefundMac, zaloPayQueryRefundMac, zaloPayRefundId } from './refunds/zalopay.js';
export { createPayOsRefunds, payOsHeaderSignature } from './refunds/payos.js';
export { createVnpayRefunds, vnpayPipeHash, vnpayRequestId, VNPAY_REFUND_FIELDS, VNPAY_REFUND_RESPONSE_FIELDS } from './refunds/vnpay.js';
export { PAYMENT_PROVIDERS, PAYMENT_KIND, PaymentStatus, PaymentEventType, InboxOutcome } from './types.js';

export type { PaymentProviders, PaymentProvidersConfig } from './providers/registry.js';
export type { PaymentStore } from './store.js';
export type { RefundProviders, RefundProvidersConfig } from './refunds/registry.js';
export type { RefundRequest, RefundResult, RefundProvider } from './refunds/types.js';
export type { RefundAsk, RefundAskResult, ExecuteOutcome } from './refunds/store.js';
export type { RefundWorkerOptions } from './refunds/worker.js';
export type { SandboxRefundDesk } from './refunds/sandbox-desk.js';
export type { VnpayRefundConfig } from './refunds/vnpay.js';
export type { OutboxRelay, OutboxRelayOptions, RelayStats, EnqueueOptions } from './outbox-relay.js';
export type { CallbackDecision } from './inbox.js';
export type {
  Payment,
  NewPayment,
  VerifiedCallback,
  RecordCallbackResult,
  CancelPaymentResult,
  PaymentEventMessage,
  PaymentProviderName,
} from './types.js';
export type {
  HttpClient,
  HttpRequest,
  HttpResponse,
  ProviderDeps,
  PaymentItem,
  CreatePaymentInput,
  CreatePaymentResult,
  CallbackRequest,
  PaymentEvent,
  VerifyResult,
  CallbackOutcome,
  ProviderAnswer,
  PaymentProvider,
} from './providers/types.js';
export type { ZaloPayConfig, ZaloPayMacFields } from './providers/zalopay.js';
export type { PayOsConfig, PayOsPaymentRequestFields } from './providers/payos.js';
export type { VnpayConfig } from './providers/vnpay.js';
export type { SandboxConfig, SandboxCallbackBody } from './providers/sandbox.js';
