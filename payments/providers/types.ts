/**
 * @module payments/providers/types
 * The one interface every payment provider implements (ZaloPay, PayOS, VNPay, the local sandbox):
 * create a payment through an injected HTTP client, verify a callback without ever throwing, and
 * answer the provider exactly what its documentation expects. No I/O of its own.
 */

/** An outgoing HTTP request, as a provider adapter builds it (the body is already serialized). */
export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** The answer to an `HttpRequest`; `body` is the raw text (the adapter parses it). */
export interface HttpResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Sends one request. Rejects only when no answer arrived (network, timeout); any HTTP status
 * resolves. Injected so tests (and hosts where the provider is unreachable) can fake the provider.
 */
export type HttpClient = (req: HttpRequest) => Promise<HttpResponse>;

/** What `createPayment` needs besides its input: the HTTP client and the clock (ms since epoch). */
export interface ProviderDeps {
  readonly http: HttpClient;
  readonly now: () => number;
}

/** One line of the order, forwarded to providers that display items (ZaloPay `item`). */
export interface PaymentItem {
  readonly name: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
}

/** A payment to create. `amountMinor` is in ISO 4217 minor units of `currency` (VND: exponent 0, i.e. đồng). */
export interface CreatePaymentInput {
  /** Our order code; the provider-side reference is derived from it (and must be unique per payment attempt). */
  readonly orderCode: string;
  readonly amountMinor: number;
  readonly currency: string;
  /** Shown to the payer; each provider has its own length limits (docs/payments.md). */
  readonly description: string;
  /** Where the payer's browser returns after paying. */
  readonly returnUrl: string;
  /** Where the provider posts its server-to-server callback, for providers that take it per request. */
  readonly callbackUrl: string;
  /** Where the browser goes when the payer cancels (PayOS); defaults to `returnUrl`. */
  readonly cancelUrl?: string;
  /** Who pays (ZaloPay `app_user`); an opaque id, never an email. */
  readonly userRef?: string;
  /** The payer's IP address (VNPay `vnp_IpAddr`). */
  readonly clientIp?: string;
  /** How long the payment may stay open, in seconds (default 900). */
  readonly expiresInSec?: number;
  readonly items?: readonly PaymentItem[];
  /** Provider-specific bank / method preselection (ZaloPay `bank_code`, VNPay `vnp_BankCode`). */
  readonly bankCode?: string;
}

/** What `createPayment` returns: where to send the payer, the provider's reference, and what was sent. */
export interface CreatePaymentResult {
  readonly paymentUrl: string;
  /** The provider's id for this payment (ZaloPay app_trans_id, PayOS paymentLinkId, VNPay vnp_TxnRef, sandbox ref). */
  readonly providerRef: string;
  /** The request as sent (signatures shortened by `redactSignature`), to store on the payment row. */
  readonly request: Readonly<Record<string, unknown>>;
  /** The provider's answer, when there was one (secrets never appear in it). */
  readonly response?: unknown;
}

/** An incoming callback / webhook / IPN / return URL, as the gateway received it. */
export interface CallbackRequest {
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The raw body, unparsed: signatures are computed over bytes the provider sent. */
  readonly body: string | Uint8Array;
  /** Decoded query parameters (VNPay IPN and return URLs carry everything here). */
  readonly query: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** The outcome a verified callback reports. */
export const PaymentOutcome = { Completed: 'completed', Failed: 'failed', Pending: 'pending' } as const;
export type PaymentOutcome = (typeof PaymentOutcome)[keyof typeof PaymentOutcome];

/** A verified callback, normalized. `providerTxnId` is the dedupe key of the payment inbox. */
export interface PaymentEvent {
  readonly provider: string;
  readonly providerTxnId: string;
  readonly orderCode: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly outcome: PaymentOutcome;
  /** The verified payload, for the payment row (no secrets; the signature is not included). */
  readonly raw: unknown;
}

/** Why a callback was refused. Never carries the signature or the secret. */
export const CallbackRejection = {
  Unconfigured: 'unconfigured',
  MissingSignature: 'missing_signature',
  BadSignature: 'bad_signature',
  Malformed: 'malformed',
  WrongMerchant: 'wrong_merchant',
} as const;
export type CallbackRejection = (typeof CallbackRejection)[keyof typeof CallbackRejection];

/** `verifyCallback`'s answer: never throws, whatever the bytes. */
export type VerifyResult =
  | { readonly ok: true; readonly event: PaymentEvent }
  | { readonly ok: false; readonly reason: CallbackRejection; readonly detail?: string };

/**
 * What our side did with a callback, so the provider can be told in its own terms.
 * The caller decides (after the inbox write); the provider adapter only translates.
 */
export type CallbackOutcome =
  /** Verified and recorded for the first time. */
  | { readonly type: 'accepted' }
  /** Verified, but this provider transaction id was already recorded (a retry or a duplicate). */
  | { readonly type: 'duplicate' }
  /** The signature or the payload was refused by `verifyCallback`. */
  | { readonly type: 'rejected'; readonly reason: CallbackRejection }
  /** Verified, but no payment of ours has this order code. */
  | { readonly type: 'order_not_found' }
  /** Verified, but amount or currency differ from the order's (recorded and flagged). */
  | { readonly type: 'amount_mismatch' }
  /** We could not record it now (storage down): ask the provider to send it again. */
  | { readonly type: 'retry_later' };

/** The exact HTTP answer a provider expects for a callback. */
export interface ProviderAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A payment provider. `configured` false: `createPayment` rejects, `verifyCallback` refuses. */
export interface PaymentProvider {
  readonly name: string;
  readonly configured: boolean;
  /**
   * Create the payment at the provider. Rejects with a `TbError`: `PAYMENT_PROVIDER_UNCONFIGURED`,
   * `PAYMENT_UNSUPPORTED_CURRENCY`, `PAYMENT_INVALID_AMOUNT`, `PAYMENT_INVALID_REQUEST` (never
   * retry these), `PAYMENT_PROVIDER_REJECTED` (the provider said no), or
   * `PAYMENT_PROVIDER_UNAVAILABLE` (no useful answer: retry with the same order code, which each
   * provider deduplicates).
   */
  createPayment(input: CreatePaymentInput, deps: ProviderDeps): Promise<CreatePaymentResult>;
  /** Verify a callback's signature and normalize it. Pure; never throws. */
  verifyCallback(req: CallbackRequest): VerifyResult;
  /** The response this provider expects for `outcome`. */
  callbackAnswer(outcome: CallbackOutcome): ProviderAnswer;
}
