/**
 * @module tools/rehearse/http
 * The REST client every part of the rehearsal uses: JSON in and out, a bearer token, an
 * `Idempotency-Key`, and bounded retries of what the API calls retryable (network errors, 5xx,
 * 429, `retryable: true` bodies). Retries reuse the same key, so a retried create never acts
 * twice. Keep-alive comes from Node's global fetch agent.
 */
import { backoffDelay, sleep } from '../../platform/index.js';

/** One answer: HTTP status and the parsed JSON body (undefined when empty). */
export interface ApiResult<T = any> {
  status: number;
  body: T;
}

/** Options of one call. */
export interface CallOptions {
  body?: unknown;
  token?: string | undefined;
  key?: string | undefined;
  /** Attempts while the answer is retryable (default 10; backoff 100 ms doubling to 2 s, or Retry-After). */
  attempts?: number;
  timeoutMs?: number;
}

/** True when the API says a retry may succeed. */
export function isRetryable(r: ApiResult): boolean {
  return r.status === 0 || r.status >= 500 || r.status === 429 || r.body?.error?.retryable === true;
}

/** A client bound to `baseUrl`. */
export function apiClient(baseUrl: string) {
  return async function api<T = any>(method: string, path: string, o: CallOptions = {}): Promise<ApiResult<T>> {
    const headers: Record<string, string> = {};
    if (o.token) headers['authorization'] = `Bearer ${o.token}`;
    if (o.key) headers['idempotency-key'] = o.key;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const attempts = o.attempts ?? 10;
    let last: ApiResult<T> = { status: 0, body: undefined as T };
    let retryAfter: string | null = null;
    for (let i = 0; i < attempts; i++) {
      retryAfter = null;
      try {
        const res = await fetch(`${baseUrl}${path}`, {
          method,
          headers,
          signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
          ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
        });
        retryAfter = res.headers.get('retry-after');
        const text = await res.text();
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = { raw: text };
        }
        last = { status: res.status, body: body as T };
      } catch (err) {
        last = { status: 0, body: { error: { code: 'NETWORK', message: (err as Error).message, retryable: true } } as T };
      }
      if (!isRetryable(last)) return last;
      // An overloaded gateway says when to come back (503 HTTP_OVERLOADED, Retry-After): a
      // browser waits that long, spread out so the retries do not arrive as one wave.
      const after = Number(retryAfter) * 1000;
      await sleep(after > 0 ? after * (0.5 + Math.random()) : backoffDelay(i + 1, 100, 2_000));
    }
    return last;
  };
}

/** The client type. */
export type Api = ReturnType<typeof apiClient>;

/** Throw unless `r.status` is one of `ok`. */
export function expectStatus<T>(r: ApiResult<T>, what: string, ...ok: number[]): T {
  if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
