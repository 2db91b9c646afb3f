/**
 * @module gateway/route
 * `defineRoute`: declare a route with its schemas and get a handler typed from them
 * (`ctx.params`, `ctx.query`, `ctx.body` are the schemas' static types). Pure identity at run time.
 */
import type { TSchema } from '@sinclair/typebox';
import type { AnyRoute, RouteDefinition } from './types.js';

/**
 * Type a route definition from its schemas. Path parameters named in `path` must be properties
 * of `params` when `params` is given; otherwise they arrive as strings in `ctx.params`.
 */
export function defineRoute<
  P extends TSchema | undefined = undefined,
  Q extends TSchema | undefined = undefined,
  B extends TSchema | undefined = undefined,
>(route: RouteDefinition<P, Q, B>): AnyRoute {
  return route as AnyRoute;
}
