/**
 * @module gateway/pipeline
 * The request lifecycle (fastify `lib/hooks.js`): match → `onRequest` → 404/405 →
 * `preValidation` → validate params/query/body (a mutating route without a body schema takes
 * nothing or `{}`; no NUL anywhere) → `preHandler` → handler → `onSend` → `onResponse`;
 * a throw anywhere → `onError` → default error mapping → `onSend` → `onResponse`.
 * Invariant: `run` never rejects and every response passes `onSend` exactly once, so request id,
 * CORS and security headers are on error responses too. This is the gateway's engine, hence its size.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { TbError } from '../contracts/index.js';
import { createActors, type ActorClient } from '../actors/client/index.js';
import { errorResponse, toResponse } from './responses.js';
import type { Router } from './router.js';
import type { GatewayRequest, GatewayResponse, HookContext, Middleware, RouteContext } from './types.js';
import { NoBody, assertNoNul, coerceStrings, parseQuery, validatePart } from './validation.js';

/** What the pipeline needs besides the request. */
export interface PipelineDeps {
  router: Router;
  middlewares: Middleware[];
  log: Logger;
  nc: NatsConnection | undefined;
  actors: ActorClient | undefined;
  now?: () => number;
}

type HookName = 'onRequest' | 'preValidation' | 'preHandler';

async function runHooks(mws: Middleware[], name: HookName, ctx: HookContext): Promise<GatewayResponse | undefined> {
  for (const mw of mws) {
    const hook = mw[name];
    if (!hook) continue;
    const early = await hook(ctx);
    if (early) return early;
  }
  return undefined;
}

function onError(deps: PipelineDeps, ctx: HookContext, err: unknown): GatewayResponse {
  for (const mw of deps.middlewares) {
    if (!mw.onError) continue;
    try {
      const res = mw.onError(ctx, err);
      if (res) return res;
    } catch (hookErr) {
      ctx.log.error({ err: hookErr, hook: `${mw.name}.onError` }, 'error hook failed');
    }
  }
  if (!TbError.is(err) || err.status >= 500) {
    // The real error goes to the log with the request id; the client sees the registry body only.
    ctx.log.error({ err, route: ctx.routeLabel }, 'request failed'); // ctx.log already carries reqId
  }
  return errorResponse(err);
}

function onSend(deps: PipelineDeps, ctx: HookContext, res: GatewayResponse): GatewayResponse {
  let out: GatewayResponse = { ...res, headers: { ...ctx.responseHeaders, ...res.headers } };
  for (const mw of deps.middlewares) {
    if (!mw.onSend) continue;
    try {
      out = mw.onSend(ctx, out) ?? out;
    } catch (err) {
      // A broken onSend must not turn into an unanswered request.
      ctx.log.error({ err, hook: `${mw.name}.onSend` }, 'send hook failed');
    }
  }
  // HEAD keeps its body here so the adapter can report its Content-Length; it sends no bytes.
  return out;
}

/** References for a gateway without NATS: every call answers `RUNTIME_UNAVAILABLE`. */
const NO_ACTORS = createActors({ request: () => Promise.reject(new TbError('RUNTIME_UNAVAILABLE')) });

function handlerContext(deps: PipelineDeps, ctx: HookContext): RouteContext {
  const requestId = ctx.request.requestId;
  return {
    request: ctx.request,
    requestId,
    params: ctx.params,
    query: ctx.query,
    body: ctx.body,
    user: ctx.user,
    nc: deps.nc,
    log: ctx.log,
    actors: deps.actors ? createActors(deps.actors, { requestId }) : NO_ACTORS,
  };
}

async function dispatch(deps: PipelineDeps, ctx: HookContext): Promise<GatewayResponse> {
  const req = ctx.request;
  const match = deps.router.match(req.method, req.path);
  if (match.type === 'found') {
    ctx.route = match.route;
    ctx.routeLabel = match.route.path;
    ctx.params = match.params;
  }
  const early = await runHooks(deps.middlewares, 'onRequest', ctx);
  if (early) return early;
  if (match.type === 'not_found') throw new TbError('HTTP_NOT_FOUND', { path: req.path.slice(0, 200) });
  if (match.type === 'method_not_allowed') {
    throw new TbError('HTTP_METHOD_NOT_ALLOWED', { method: req.method.slice(0, 16), allow: match.allow.join(', ') });
  }
  const route = match.route;
  const pre = await runHooks(deps.middlewares, 'preValidation', ctx);
  if (pre) return pre;
  assertNoNul('params', ctx.params);
  if (route.params) ctx.params = validatePart('params', route.params, coerceStrings(route.params, ctx.params)) as Record<string, string>;
  const rawQuery = parseQuery(req.query);
  assertNoNul('query', rawQuery);
  ctx.query = route.query ? validatePart('query', route.query, coerceStrings(route.query, rawQuery)) : rawQuery;
  if (route.body) ctx.body = validatePart('body', route.body, ctx.body);
  else if (ctx.body !== undefined) ctx.body = validatePart('body', NoBody, ctx.body);
  const preH = await runHooks(deps.middlewares, 'preHandler', ctx);
  if (preH) return preH;
  return toResponse(await route.handler(handlerContext(deps, ctx)));
}

/**
 * Build the core request handler over a router and middlewares (run in the order given).
 * The returned function never rejects: every failure becomes an error response.
 */
export function createPipeline(deps: PipelineDeps): (req: GatewayRequest) => Promise<GatewayResponse> {
  const now = deps.now ?? (() => performance.now());
  return async (req) => {
    const ctx: HookContext = {
      request: req,
      route: undefined,
      routeLabel: '<unmatched>',
      params: {},
      query: {},
      body: undefined,
      user: undefined,
      responseHeaders: {},
      startedAt: now(),
      log: deps.log,
    };
    let res: GatewayResponse;
    try {
      res = await dispatch(deps, ctx);
    } catch (err) {
      res = onError(deps, ctx, err);
    }
    res = onSend(deps, ctx, res);
    for (const mw of deps.middlewares) {
      try {
        mw.onResponse?.(ctx, res);
      } catch (err) {
        ctx.log.error({ err, hook: `${mw.name}.onResponse` }, 'response hook failed');
      }
    }
    return res;
  };
}
