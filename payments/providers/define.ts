/**
 * @module payments/providers/define
 * What every provider shares around its own signing and verification: it is listed even without
 * secrets, then refuses to create payments (`PAYMENT_PROVIDER_UNCONFIGURED`, naming the settings
 * to set) and answers callbacks `unconfigured`; a callback its verifier cannot parse is
 * `malformed`, never an exception (`verifyCallback` is pure and never throws).
 */
import { TbError } from '../../contracts/index.js';
import type {
  CallbackOutcome,
  CallbackRequest,
  CreatePaymentInput,
  CreatePaymentResult,
  PaymentProvider,
  ProviderAnswer,
  ProviderDeps,
  VerifyResult,
} from './types.js';

/** One provider's own parts. */
export interface ProviderParts {
  name: string;
  configured: boolean;
  /** The environment variables that configure it (named in the refusal). */
  settings: string[];
  createPayment(input: CreatePaymentInput, deps: ProviderDeps): CreatePaymentResult | Promise<CreatePaymentResult>;
  /** May throw on malformed input: that becomes `{ ok: false, reason: 'malformed' }`. */
  verifyCallback(req: CallbackRequest): VerifyResult;
  callbackAnswer(outcome: CallbackOutcome): ProviderAnswer;
}

/** A provider from its parts, with the shared refusals. */
export function defineProvider(p: ProviderParts): PaymentProvider {
  return {
    name: p.name,
    configured: p.configured,
    async createPayment(input, deps) {
      if (!p.configured) throw new TbError('PAYMENT_PROVIDER_UNCONFIGURED', { provider: p.name, settings: p.settings.join(', ') });
      return p.createPayment(input, deps);
    },
    verifyCallback(req) {
      if (!p.configured) return { ok: false, reason: 'unconfigured' };
      try {
        return p.verifyCallback(req);
      } catch {
        return { ok: false, reason: 'malformed' };
      }
    },
    callbackAnswer: p.callbackAnswer,
  };
}
