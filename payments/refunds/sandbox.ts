/**
 * @module payments/refunds/sandbox
 * The sandbox provider's refund contract, signed like the real ones: `POST <refundUrl>` with the
 * JSON body `{ refundId, providerTxnId, orderCode, amountMinor, currency, description, timestamp }`
 * and the header `x-tb-sandbox-signature` = HMAC-SHA256(`TB_SANDBOX_PAYMENT_SECRET`, canonical JSON
 * of the body) (the same scheme as sandbox callbacks); `POST <refundUrl>/query` with
 * `{ refundId, timestamp }`. Answers are signed the same way and verified here: a refund whose
 * answer does not verify is not taken as done. The provider side is `sandbox-desk.ts`.
 */
import { TbError } from '../../contracts/index.js';
import { bodyText, parseJsonObject, redactSignature, signatureMatches } from '../providers/crypto.js';
import { SANDBOX_SIGNATURE_HEADER, sandboxSignature } from '../providers/sandbox.js';
import type { HttpResponse, ProviderDeps } from '../providers/types.js';
import type { RefundProvider, RefundRequest, RefundResult } from './types.js';

/** Sandbox refund settings: the shared secret and the desk's URL. */
export interface SandboxRefundConfig {
  readonly secret: string;
  readonly refundUrl: string;
}

/** The path the gateway serves the sandbox refund desk on. */
export const SANDBOX_REFUND_PATH = '/api/v1/payments/sandbox/refunds';

function verifyAnswer(secret: string, res: HttpResponse): Record<string, unknown> {
  if (res.status >= 500 || res.status === 429)
    throw new TbError('PAYMENT_PROVIDER_UNAVAILABLE', { provider: 'sandbox', reason: `HTTP ${res.status}` });
  const body = parseJsonObject(bodyText(res.body));
  const sig = res.headers?.[SANDBOX_SIGNATURE_HEADER];
  if (!body || !signatureMatches(sandboxSignature(secret, body), sig)) {
    throw new TbError('PAYMENT_PROVIDER_UNAVAILABLE', {
      provider: 'sandbox',
      reason: 'the refund answer is unsigned or its signature is wrong',
    });
  }
  return body;
}

function resultOf(body: Record<string, unknown>, request: Record<string, unknown>): RefundResult {
  const status = body['status'];
  if (status === 'SUCCEEDED')
    return { status: 'succeeded', providerRefundId: String(body['sandboxRefundId'] ?? ''), request, response: body };
  if (status === 'PROCESSING' || status === 'NOT_FOUND') return { status: 'pending', request, response: body };
  return { status: 'failed', request, response: body, reason: String(body['error'] ?? status ?? 'refused') };
}

async function send(cfg: SandboxRefundConfig, url: string, body: Record<string, unknown>, deps: ProviderDeps): Promise<RefundResult> {
  const sig = sandboxSignature(cfg.secret, body);
  let res: HttpResponse;
  try {
    res = await deps.http({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', [SANDBOX_SIGNATURE_HEADER]: sig },
      body: JSON.stringify(body),
    });
  } catch (cause) {
    throw new TbError('PAYMENT_PROVIDER_UNAVAILABLE', { provider: 'sandbox', reason: 'no answer' }, { cause });
  }
  return resultOf(verifyAnswer(cfg.secret, res), { ...body, signature: redactSignature(sig) });
}

/** The sandbox's refund API (client side). */
export function createSandboxRefunds(cfg: SandboxRefundConfig): RefundProvider {
  return {
    name: 'sandbox',
    refund: (req: RefundRequest, deps) =>
      send(
        cfg,
        cfg.refundUrl,
        {
          refundId: req.refundId,
          providerTxnId: req.providerTxnId,
          orderCode: req.orderCode,
          amountMinor: req.amountMinor,
          currency: req.currency,
          description: req.description,
          timestamp: deps.now(),
        },
        deps,
      ),
    queryRefund: (req: RefundRequest, deps) =>
      send(cfg, `${cfg.refundUrl.replace(/\/+$/, '')}/query`, { refundId: req.refundId, timestamp: deps.now() }, deps),
  };
}
