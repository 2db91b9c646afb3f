/**
 * @module payments/webhooks
 * The transport-free core of the provider webhooks (ZaloPay callback, PayOS webhook, VNPay IPN,
 * sandbox callback): verify the raw request with the provider, record the verified callback in
 * the payment inbox, and translate what happened into the exact answer the provider expects.
 * Invariants: nothing is recorded unless `verifyCallback` accepted the bytes as sent (a forged
 * or altered callback gets the provider's refusal and leaves no trace but a log line and a
 * metric); a duplicate is answered as such and changes nothing (the inbox's primary key); when
 * the inbox cannot be written the provider is asked to send again (`retry_later`), never told
 * "accepted". This is the only path from a provider to `payment.completed`.
 */
import type { Logger } from 'pino';
import { Counter, Registry, type Metric } from 'prom-client';
import type { PaymentProviders } from './providers/registry.js';
import type { CallbackOutcome, CallbackRequest, ProviderAnswer } from './providers/types.js';
import type { PaymentStore } from './store.js';
import { InboxOutcome, type RecordCallbackResult } from './types.js';

/** What handling one callback did (for the route, the logs and the tests). */
export interface WebhookResult {
  /** The exact HTTP answer for the provider. */
  answer: ProviderAnswer;
  /** What our side decided, in `callbackAnswer` terms. */
  outcome: CallbackOutcome;
  /** The inbox result, when the callback was verified and recorded. */
  recorded?: RecordCallbackResult;
}

/** What the webhook handler needs. */
export interface WebhookDeps {
  providers: PaymentProviders;
  store: Pick<PaymentStore, 'recordCallback'>;
  log: Logger;
  /** Where `tb_payment_webhooks_total{provider,outcome}` goes (default: a private registry). */
  registry?: Registry;
}

/** Handles one provider callback. Never throws. */
export type WebhookHandler = (provider: string, req: CallbackRequest, requestId?: string) => Promise<WebhookResult>;

function reuse<T extends Metric>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** The answer to give for a recorded (non-duplicate) callback. */
export function outcomeOf(r: RecordCallbackResult): CallbackOutcome {
  if (r.duplicate) return { type: 'duplicate' };
  switch (r.outcome) {
    case InboxOutcome.AmountMismatch:
      return { type: 'amount_mismatch' };
    case InboxOutcome.Unmatched:
      return { type: 'order_not_found' };
    // Late money is recorded and flagged for refund; applied, ignored and processing are recorded
    // as well: in every case the provider need not send it again.
    default:
      return { type: 'accepted' };
  }
}

/** Build the webhook handler over the providers and the payment store. */
export function createWebhookHandler(deps: WebhookDeps): WebhookHandler {
  const registry = deps.registry ?? new Registry();
  const counter = reuse(
    registry,
    'tb_payment_webhooks_total',
    () =>
      new Counter({
        name: 'tb_payment_webhooks_total',
        help: 'Provider callbacks received at the gateway, by provider and answer',
        labelNames: ['provider', 'outcome'],
        registers: [registry],
      }),
  );
  return async (name, req, requestId) => {
    const provider = deps.providers.get(name);
    const verified = provider.verifyCallback(req);
    const done = (outcome: CallbackOutcome, recorded?: RecordCallbackResult): WebhookResult => {
      counter.inc({ provider: name, outcome: outcome.type });
      return { answer: provider.callbackAnswer(outcome), outcome, ...(recorded ? { recorded } : {}) };
    };
    if (!verified.ok) {
      // Never log the body or the signature: only why it was refused.
      deps.log.warn({ provider: name, reason: verified.reason, detail: verified.detail, reqId: requestId }, 'payment callback refused');
      return done({ type: 'rejected', reason: verified.reason });
    }
    const ev = verified.event;
    try {
      const recorded = await deps.store.recordCallback(ev);
      const outcome = outcomeOf(recorded);
      const level = outcome.type === 'accepted' || outcome.type === 'duplicate' ? 'info' : 'warn';
      deps.log[level](
        {
          provider: name,
          providerTxnId: ev.providerTxnId,
          orderCode: ev.orderCode,
          outcome: recorded.outcome,
          duplicate: recorded.duplicate,
          paymentId: recorded.payment?.id,
          reqId: requestId,
        },
        'payment callback recorded',
      );
      return done(outcome, recorded);
    } catch (err) {
      deps.log.error(
        { err, provider: name, providerTxnId: ev.providerTxnId, orderCode: ev.orderCode, reqId: requestId },
        'payment callback could not be recorded; asking the provider to retry',
      );
      return done({ type: 'retry_later' });
    }
  };
}

/** Flatten a parsed query (`parseQuery`) into what `CallbackRequest.query` takes. */
export function callbackQuery(q: Record<string, unknown>): CallbackRequest['query'] {
  const out: Record<string, string | readonly string[] | undefined> = {};
  for (const [k, v] of Object.entries(q)) out[k] = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v : undefined;
  return out;
}
