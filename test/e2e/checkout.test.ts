/**
 * @module test/e2e/checkout.test
 * Checkout end to end on the REAL stack from the sources (every production entry point as its own
 * process, see `stack.ts`); the flows are in `checkout-suite.ts`, shared with the compiled build's
 * test (`dist.test.ts`).
 */
import { describeCheckout } from './checkout-suite.js';
import { startE2EStack } from './stack.js';

describeCheckout('e2e - checkout', () =>
  startE2EStack({ extraGateways: [{ name: 'gateway-short', env: { TB_TUNING: JSON.stringify({ orderPaymentTtlMs: 3000 }) } }] }),
);
