/**
 * @module orders/payment-step
 * The saga's payment step: one payment row per order (its id derived from the order id, so a
 * retried step finds the same row), created at the chosen provider once (the URL is kept on the
 * row), then reported to the order as `paymentCreated`. A provider's final refusal is reported
 * as `paymentCreateFailed` (the order fails and releases) and rethrown; a retryable failure is
 * rethrown unreported (the outcome is unknown: a retry or the step deadline settles it).
 */
import { createHash } from 'node:crypto';
import { TbError } from '../contracts/index.js';
import type { OrderView } from '../contracts/kinds/order.js';
import { fetchHttpClient, type PaymentProviderName } from '../payments/index.js';
import type { OrderServiceOptions } from './service.js';

/** The payment id of an order: a UUID derived from the order id. */
export function paymentIdOf(orderId: string): string {
  const h = createHash('sha256').update(`payment\u0000${orderId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Create (or find) the order's payment and report it; answers the order view after the report. */
export async function createPaymentFor(opts: OrderServiceOptions, view: OrderView): Promise<OrderView> {
  const { actors, payments, providers, config } = opts;
  const id = paymentIdOf(view.orderId);
  const provider = (view.provider ?? config.orderDefaultProvider) as PaymentProviderName;
  try {
    const { payment } = await payments.createPayment({
      id,
      orderId: view.orderId,
      orderCode: view.code,
      userId: view.userId,
      amountMinor: view.totalMinor,
      currency: view.currency,
      provider,
    });
    let paymentUrl = typeof payment.providerResponse?.['paymentUrl'] === 'string' ? payment.providerResponse['paymentUrl'] : undefined;
    if (!paymentUrl) {
      const base = config.publicBaseUrl.replace(/\/+$/, '');
      const made = await providers.get(provider).createPayment(
        {
          orderCode: view.code,
          amountMinor: view.totalMinor,
          currency: view.currency,
          description: `TicketBottle ${view.code}`,
          returnUrl: `${base}/orders/${view.orderId}`,
          callbackUrl: `${base}/api/v1/payments/${provider}/callback`,
          userRef: view.userId,
          expiresInSec: Math.max(60, Math.ceil((view.expiresAt - Date.now()) / 1000)),
          items: view.lines.map((l) => ({ name: l.classId, quantity: l.quantity, unitPriceMinor: l.unitPriceMinor })),
        },
        { http: opts.http ?? fetchHttpClient(), now: opts.now ?? Date.now },
      );
      paymentUrl = made.paymentUrl;
      await payments.attachProviderResponse(id, {
        providerRef: made.providerRef,
        providerRequest: { ...made.request },
        providerResponse: { paymentUrl, ...(made.response !== undefined ? { response: made.response } : {}) },
      });
    }
    return await actors.order(view.orderId).paymentCreated({ paymentId: id, paymentUrl, provider }, [view.orderId, 'paymentCreated']);
  } catch (err) {
    if (!(err instanceof TbError) || err.retryable) throw err;
    await actors.order(view.orderId).paymentCreateFailed({ reason: err.code }, [view.orderId, 'paymentCreateFailed']);
    throw err;
  }
}
