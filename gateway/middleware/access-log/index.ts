/**
 * @module gateway/middleware/access-log
 * One structured log line per request: request id, method, route pattern, path, status,
 * duration, client IP, user id. Invariant: never headers (Authorization), bodies, tokens or
 * passwords; the path is logged but not the query string (it may carry secrets such as
 * callback signatures). 5xx lines are `warn`, others `info`.
 */
import type { Middleware } from '../../types.js';

/** The `access-log` middleware. */
export function accessLog(options: { now?: () => number } = {}): Middleware {
  const now = options.now ?? (() => performance.now());
  return {
    name: 'access-log',
    onResponse(ctx, res) {
      const line = {
        method: ctx.request.method.slice(0, 16),
        route: ctx.routeLabel,
        path: ctx.request.path.slice(0, 256),
        status: res.status,
        durationMs: Math.round((now() - ctx.startedAt) * 1000) / 1000,
        ip: ctx.request.ip,
        userId: ctx.user?.userId,
      };
      if (res.status >= 500) ctx.log.warn(line, 'request');
      else ctx.log.info(line, 'request');
    },
  };
}
