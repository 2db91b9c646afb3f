/**
 * @module payments/providers/amounts
 * Our amounts are ISO 4217 minor units; each provider has its own unit. For VND the ISO exponent
 * is 0 (no minor unit in practice), so `amountMinor` is whole đồng: ZaloPay and PayOS take it as
 * is, VNPay wants it multiplied by 100 (`vnp_Amount`). The Vietnamese providers refuse any other
 * currency rather than convert.
 */
import { TbError } from '../../contracts/index.js';

/** The only currency the Vietnamese providers accept. */
export const VND = 'VND';

/** VNPay's `vnp_Amount` is the VND amount times this factor (VNPay 2.1.0 docs, "vnp_Amount"). */
export const VNPAY_AMOUNT_FACTOR = 100;

/**
 * Check that `amountMinor` of `currency` can be paid through a VND-only provider and return the
 * whole-đồng amount. Throws `PAYMENT_UNSUPPORTED_CURRENCY` or `PAYMENT_INVALID_AMOUNT` (not retryable).
 */
export function vndAmount(provider: string, currency: string, amountMinor: number): number {
  if (currency !== VND) throw new TbError('PAYMENT_UNSUPPORTED_CURRENCY', { provider, accepted: VND, currency });
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
    throw new TbError('PAYMENT_INVALID_AMOUNT', { provider, amountMinor, reason: 'it must be a positive whole number of đồng' });
  }
  return amountMinor;
}

/** VND minor units → VNPay `vnp_Amount` (× 100). Throws `PAYMENT_INVALID_AMOUNT` when the product is unsafe. */
export function toVnpayAmount(amountMinor: number): number {
  const v = amountMinor * VNPAY_AMOUNT_FACTOR;
  if (!Number.isSafeInteger(v)) throw new TbError('PAYMENT_INVALID_AMOUNT', { provider: 'vnpay', amountMinor, reason: 'too large' });
  return v;
}

/** VNPay `vnp_Amount` text → VND minor units, or `undefined` unless it is a whole multiple of 100. */
export function fromVnpayAmount(text: string): number | undefined {
  if (!/^[0-9]{1,18}$/.test(text)) return undefined;
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v % VNPAY_AMOUNT_FACTOR !== 0) return undefined;
  return v / VNPAY_AMOUNT_FACTOR;
}

/** A whole-đồng amount from a provider's JSON (a safe non-negative integer), else `undefined`. */
export function wholeAmount(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}
