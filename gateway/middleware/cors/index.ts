/**
 * @module gateway/middleware/cors
 * Cross-origin access for the configured origins only. A preflight (`OPTIONS` with `Origin` and
 * `Access-Control-Request-Method`) is answered here with 204, before routing can say 404/405;
 * an origin not on the list gets no `Access-Control-Allow-*` headers at all, so the browser
 * blocks it. Credentials are never allowed with `*`.
 */
import type { GatewayResponse, Middleware } from '../../types.js';

export interface CorsOptions {
  /** Allowed origins (`https://shop.example`), or `['*']` for any. Empty: no cross-origin access. */
  origins: string[];
  methods?: string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  /** Preflight cache time in seconds. Default 600. */
  maxAgeSec?: number;
}

/** Parse the `httpCorsOrigins` setting: comma separated, blanks dropped. */
export function parseOrigins(setting: string): string[] {
  return setting
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The `cors` middleware. */
export function cors(options: CorsOptions): Middleware {
  const any = options.origins.includes('*');
  const allowed = new Set(options.origins);
  const methods = (options.methods ?? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).join(', ');
  const allowHeaders = (options.allowHeaders ?? ['authorization', 'content-type', 'x-request-id', 'idempotency-key']).join(', ');
  const exposeHeaders = (options.exposeHeaders ?? ['x-request-id', 'retry-after', 'ratelimit-remaining']).join(', ');
  const maxAge = String(options.maxAgeSec ?? 600);

  const allowOrigin = (origin: string | undefined): string | undefined => {
    if (!origin) return undefined;
    if (any) return '*';
    return allowed.has(origin) ? origin : undefined;
  };

  return {
    name: 'cors',
    onRequest(ctx): GatewayResponse | void {
      const { headers, method } = ctx.request;
      const origin = allowOrigin(headers['origin']);
      if (method === 'OPTIONS' && headers['origin'] && headers['access-control-request-method']) {
        const h: Record<string, string> = { vary: 'Origin' };
        if (origin) {
          h['access-control-allow-origin'] = origin;
          h['access-control-allow-methods'] = methods;
          h['access-control-allow-headers'] = allowHeaders;
          h['access-control-max-age'] = maxAge;
        }
        return { status: 204, headers: h, body: new Uint8Array(0) };
      }
      if (origin) {
        ctx.responseHeaders['access-control-allow-origin'] = origin;
        ctx.responseHeaders['access-control-expose-headers'] = exposeHeaders;
      }
      if (headers['origin'] && !any) ctx.responseHeaders['vary'] = 'Origin';
    },
  };
}
