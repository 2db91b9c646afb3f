/**
 * @module payments/providers/http
 * The default `HttpClient` (global `fetch` with a timeout) and `callProvider`, the one place where
 * a provider call's failure becomes our error: no answer or a 5xx → `PAYMENT_PROVIDER_UNAVAILABLE`
 * (retryable), a non-JSON answer → the same, so a caller never sees a library error.
 */
import { TbError } from '../../contracts/index.js';
import type { HttpClient, HttpRequest } from './types.js';

/**
 * An `HttpClient` over the global `fetch`. Rejects when no answer arrives within `timeoutMs`;
 * resolves with any HTTP status.
 */
export function fetchHttpClient(timeoutMs = 10_000): HttpClient {
  return async (req: HttpRequest) => {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      ...(req.body !== undefined ? { body: req.body } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    return { status: res.status, headers, body: await res.text() };
  };
}

/**
 * Send `req` and parse the JSON object the provider answers. Throws `PAYMENT_PROVIDER_UNAVAILABLE`
 * (with the cause kept) when nothing came back, on a 5xx or 429, or when the body is not a JSON
 * object; `PAYMENT_PROVIDER_REJECTED` on another 4xx. The request is never part of the message.
 */
export async function callProvider(provider: string, http: HttpClient, req: HttpRequest): Promise<Record<string, unknown>> {
  let res: Awaited<ReturnType<HttpClient>>;
  try {
    res = await http(req);
  } catch (cause) {
    throw new TbError('PAYMENT_PROVIDER_UNAVAILABLE', { provider, reason: 'no answer' }, { cause });
  }
  if (res.status >= 500 || res.status === 429) {
    throw new TbError('PAYMENT_PROVIDER_UNAVAILABLE', { provider, reason: `HTTP ${res.status}` });
  }
  if (res.status >= 400) {
    throw new TbError('PAYMENT_PROVIDER_REJECTED', { provider, providerCode: `HTTP ${res.status}`, reason: 'the request was refused' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body);
  } catch (cause) {
    throw new TbError('PAYMENT_PROVIDER_UNAVAILABLE', { provider, reason: 'the answer is not JSON' }, { cause });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TbError('PAYMENT_PROVIDER_UNAVAILABLE', { provider, reason: 'the answer is not a JSON object' });
  }
  return parsed as Record<string, unknown>;
}

/** Vietnam's fixed UTC offset (GMT+7, no daylight saving): ZaloPay and VNPay date fields use it. */
const VN_OFFSET_MS = 7 * 3600_000;

/** The Vietnam-time calendar fields of `ms`, zero-padded. */
function vnParts(ms: number): { y: string; M: string; d: string; h: string; m: string; s: string } {
  const t = new Date(ms + VN_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return {
    y: String(t.getUTCFullYear()),
    M: p(t.getUTCMonth() + 1),
    d: p(t.getUTCDate()),
    h: p(t.getUTCHours()),
    m: p(t.getUTCMinutes()),
    s: p(t.getUTCSeconds()),
  };
}

/** `yymmdd` in Vietnam time (ZaloPay `app_trans_id` prefix). */
export function vnYymmdd(ms: number): string {
  const { y, M, d } = vnParts(ms);
  return `${y.slice(2)}${M}${d}`;
}

/** `yyyyMMddHHmmss` in Vietnam time (VNPay `vnp_CreateDate` / `vnp_ExpireDate`). */
export function vnTimestamp(ms: number): string {
  const { y, M, d, h, m, s } = vnParts(ms);
  return `${y}${M}${d}${h}${m}${s}`;
}
