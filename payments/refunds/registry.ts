/**
 * @module payments/refunds/registry
 * Every provider's refund API, built from the configuration (secrets only from `config/`), looked
 * up by the payment's provider name.
 */
import { TbError } from '../../contracts/index.js';
import type { Config } from '../../config/index.js';
import { createPayOsRefunds } from './payos.js';
import { SANDBOX_REFUND_PATH, createSandboxRefunds } from './sandbox.js';
import type { RefundProvider } from './types.js';
import { createVnpayRefunds } from './vnpay.js';
import { createZaloPayRefunds } from './zalopay.js';

/** The settings the refund APIs read. */
export type RefundProvidersConfig = Pick<
  Config,
  | 'zalopayAppId'
  | 'zalopayKey1'
  | 'zalopayKey2'
  | 'zalopayEndpoint'
  | 'payosClientId'
  | 'payosApiKey'
  | 'payosChecksumKey'
  | 'payosBaseUrl'
  | 'vnpayTmnCode'
  | 'vnpayHashSecret'
  | 'vnpayApiUrl'
  | 'sandboxPaymentSecret'
  | 'sandboxRefundUrl'
  | 'publicBaseUrl'
>;

/** Refund APIs by provider name. */
export interface RefundProviders {
  /** Throws `PAYMENT_PROVIDER_UNKNOWN` for a name with no refund API. */
  get(name: string): RefundProvider;
}

/** Build the four refund APIs. Pure. */
export function createRefundProviders(cfg: RefundProvidersConfig): RefundProviders {
  const all: RefundProvider[] = [
    createZaloPayRefunds({ appId: cfg.zalopayAppId, key1: cfg.zalopayKey1, key2: cfg.zalopayKey2, endpoint: cfg.zalopayEndpoint }),
    createPayOsRefunds({
      clientId: cfg.payosClientId,
      apiKey: cfg.payosApiKey,
      checksumKey: cfg.payosChecksumKey,
      baseUrl: cfg.payosBaseUrl,
    }),
    createVnpayRefunds({ tmnCode: cfg.vnpayTmnCode, hashSecret: cfg.vnpayHashSecret, apiUrl: cfg.vnpayApiUrl }),
    createSandboxRefunds({
      secret: cfg.sandboxPaymentSecret,
      refundUrl: cfg.sandboxRefundUrl || `${cfg.publicBaseUrl.replace(/\/+$/, '')}${SANDBOX_REFUND_PATH}`,
    }),
  ];
  const byName = new Map(all.map((p) => [p.name, p]));
  return {
    get(name) {
      const p = byName.get(name);
      if (!p) throw new TbError('PAYMENT_PROVIDER_UNKNOWN', { provider: name, known: [...byName.keys()].join(', ') });
      return p;
    },
  };
}
