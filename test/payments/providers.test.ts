/**
 * The providers as a process builds them: from `loadConfig` (secrets from the environment only),
 * through the `payments` front door. Unconfigured providers say so with a clear code; a created
 * payment's stored request never contains a secret or a full signature.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { TbError } from '../../contracts/index.js';
import { createPaymentProviders, payOsDataSignature, type HttpRequest, type HttpResponse } from '../../payments/index.js';

const SECRETS = {
  TB_ZALOPAY_KEY1: 'zalopay-key1-secret-value',
  TB_ZALOPAY_KEY2: 'zalopay-key2-secret-value',
  TB_PAYOS_API_KEY: 'payos-api-key-secret-value',
  TB_PAYOS_CHECKSUM_KEY: 'payos-checksum-secret-value',
  TB_VNPAY_HASH_SECRET: 'vnpay-hash-secret-value',
  TB_SANDBOX_PAYMENT_SECRET: 'sandbox-secret-value',
};
/** The environment carrying them: one `<id>:<secret>…` setting per provider. */
const ENV = {
  TB_ZALOPAY: `2553:${SECRETS.TB_ZALOPAY_KEY1}:${SECRETS.TB_ZALOPAY_KEY2}`,
  TB_PAYOS: `payos-client:${SECRETS.TB_PAYOS_API_KEY}:${SECRETS.TB_PAYOS_CHECKSUM_KEY}`,
  TB_VNPAY: `TBTEST01:${SECRETS.TB_VNPAY_HASH_SECRET}`,
  TB_SANDBOX_PAYMENT_SECRET: SECRETS.TB_SANDBOX_PAYMENT_SECRET,
};

describe('payments - provider registry', () => {
  it('payments - registry reports real providers unconfigured by default', async () => {
    const providers = createPaymentProviders(loadConfig({}));
    expect(providers.all.map((p) => [p.name, p.configured])).toEqual([
      ['zalopay', false],
      ['payos', false],
      ['vnpay', false],
      ['sandbox', true],
    ]);
    expect(providers.sandboxUsesDevSecret).toBe(true);
    const http = async (): Promise<HttpResponse> => {
      throw new Error('not called');
    };
    const input = {
      orderCode: '42',
      amountMinor: 1000,
      currency: 'VND',
      description: 'd',
      returnUrl: 'https://r',
      callbackUrl: 'https://c',
    };
    for (const name of ['zalopay', 'payos', 'vnpay']) {
      const err = await providers
        .get(name)
        .createPayment(input, { http, now: Date.now })
        .catch((e: unknown) => e);
      expect(TbError.is(err, 'PAYMENT_PROVIDER_UNCONFIGURED')).toBe(true);
      expect((err as TbError).message).toMatch(/TB_/);
    }
    expect(() => providers.get('paypal')).toThrowError(expect.objectContaining({ code: 'PAYMENT_PROVIDER_UNKNOWN' }) as Error);
  });

  it('payments - registry never stores secrets or full signatures in the request', async () => {
    const providers = createPaymentProviders(loadConfig(ENV));
    expect(providers.all.every((p) => p.configured)).toBe(true);
    expect(providers.sandboxUsesDevSecret).toBe(false);
    const sent: HttpRequest[] = [];
    const linkData = { checkoutUrl: 'https://pay.payos.vn/web/abc', paymentLinkId: 'abc', amount: 1000, orderCode: 42, status: 'PENDING' };
    const http = async (r: HttpRequest): Promise<HttpResponse> => {
      sent.push(r);
      if (r.url.includes('payos')) {
        return {
          status: 200,
          body: JSON.stringify({
            code: '00',
            desc: 'success',
            data: linkData,
            signature: payOsDataSignature(SECRETS.TB_PAYOS_CHECKSUM_KEY, linkData),
          }),
        };
      }
      return {
        status: 200,
        body: JSON.stringify({
          return_code: 1,
          return_message: 'ok',
          sub_return_code: 1,
          order_url: 'https://qcgateway.zalopay.vn/openinapp?order=x',
        }),
      };
    };
    const input = {
      orderCode: '42',
      amountMinor: 1000,
      currency: 'VND',
      description: 'Vé & quà',
      returnUrl: 'https://r',
      callbackUrl: 'https://c',
    };
    for (const p of providers.all) {
      const res = await p.createPayment(input, { http, now: () => 1_716_226_200_000 });
      const stored = JSON.stringify(res);
      for (const secret of [
        SECRETS.TB_ZALOPAY_KEY1,
        SECRETS.TB_ZALOPAY_KEY2,
        SECRETS.TB_PAYOS_API_KEY,
        SECRETS.TB_PAYOS_CHECKSUM_KEY,
        SECRETS.TB_VNPAY_HASH_SECRET,
        SECRETS.TB_SANDBOX_PAYMENT_SECRET,
      ]) {
        expect(stored).not.toContain(secret);
      }
      for (const v of Object.values(res.request)) {
        if (typeof v === 'string') expect(v).not.toMatch(/^[0-9a-f]{64,128}$/); // signatures are stored redacted
      }
    }
    expect(sent.map((r) => new URL(r.url).host)).toEqual(['sb-openapi.zalopay.vn', 'api-merchant.payos.vn']);
  });
});
