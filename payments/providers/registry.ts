/**
 * @module payments/providers/registry
 * Builds every provider from the configuration (secrets come only from `config/`), and looks a
 * provider up by name. A provider whose secrets are empty is still listed, reporting itself
 * unconfigured, so a caller gets `PAYMENT_PROVIDER_UNCONFIGURED` rather than "unknown". The
 * sandbox is the exception: in production mode it is not registered at all (an order naming it
 * gets `PAYMENT_PROVIDER_UNKNOWN`, its callbacks find no provider) unless `TB_SANDBOX_STAGING=1`.
 */
import { TbError } from '../../contracts/index.js';
import type { Config } from '../../config/index.js';
import { SETTINGS, sandboxAvailable } from '../../config/index.js';
import { createPayOsProvider } from './payos.js';
import { createSandboxProvider } from './sandbox.js';
import type { PaymentProvider } from './types.js';
import { createVnpayProvider } from './vnpay.js';
import { createZaloPayProvider } from './zalopay.js';

/** The provider names, as they appear in URLs (`/webhooks/<name>`) and on payment rows. */
export const ProviderName = { ZaloPay: 'zalopay', PayOS: 'payos', VNPay: 'vnpay', Sandbox: 'sandbox' } as const;
export type ProviderName = (typeof ProviderName)[keyof typeof ProviderName];

/** The settings the providers read. */
export type PaymentProvidersConfig = Pick<
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
  | 'vnpayPayUrl'
  | 'sandboxPaymentSecret'
  | 'publicBaseUrl'
> &
  Partial<Pick<Config, 'deployEnv' | 'sandboxStaging'>>;

/** Every provider, by name. */
export interface PaymentProviders {
  readonly all: readonly PaymentProvider[];
  /** The provider called `name`; throws `PAYMENT_PROVIDER_UNKNOWN` for any other name. */
  get(name: string): PaymentProvider;
  /** True when the sandbox still signs with the development default secret (say so in the logs, never the secret). */
  readonly sandboxUsesDevSecret: boolean;
}

/** Whether `cfg` has the sandbox provider (development, or production with `TB_SANDBOX_STAGING=1`). */
export function hasSandbox(cfg: Partial<Pick<Config, 'deployEnv' | 'sandboxStaging'>>): boolean {
  return sandboxAvailable({ deployEnv: cfg.deployEnv ?? 'development', sandboxStaging: cfg.sandboxStaging ?? 0 });
}

/** Build the providers from `cfg` (the sandbox only where `hasSandbox`). Pure: no I/O, no logging. */
export function createPaymentProviders(cfg: PaymentProvidersConfig): PaymentProviders {
  const all: PaymentProvider[] = [
    createZaloPayProvider({ appId: cfg.zalopayAppId, key1: cfg.zalopayKey1, key2: cfg.zalopayKey2, endpoint: cfg.zalopayEndpoint }),
    createPayOsProvider({
      clientId: cfg.payosClientId,
      apiKey: cfg.payosApiKey,
      checksumKey: cfg.payosChecksumKey,
      baseUrl: cfg.payosBaseUrl,
    }),
    createVnpayProvider({ tmnCode: cfg.vnpayTmnCode, hashSecret: cfg.vnpayHashSecret, payUrl: cfg.vnpayPayUrl }),
    ...(hasSandbox(cfg) ? [createSandboxProvider({ secret: cfg.sandboxPaymentSecret, baseUrl: cfg.publicBaseUrl })] : []),
  ];
  const byName = new Map(all.map((p) => [p.name, p]));
  return {
    all,
    get(name) {
      const p = byName.get(name);
      if (!p) throw new TbError('PAYMENT_PROVIDER_UNKNOWN', { provider: name, known: [...byName.keys()].join(', ') });
      return p;
    },
    sandboxUsesDevSecret: hasSandbox(cfg) && cfg.sandboxPaymentSecret === SETTINGS.sandboxPaymentSecret.default,
  };
}
