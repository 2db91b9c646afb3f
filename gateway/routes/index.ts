/**
 * @module gateway/routes
 * The application's HTTP routes, one module per resource (`events.ts`, `orders.ts`, …), each
 * exporting `RouteDefinition`s (use `defineRoute` from `gateway/route.ts` for typed handlers).
 * Add a module by importing its routes here and spreading them into `routes`; `gateway/main.ts`
 * serves exactly this list (plus the built-in health, metrics and documentation routes), and the
 * OpenAPI document is generated from it.
 */
import type { AnyRoute } from '../types.js';

/** Every application route. Empty until the resource modules land. */
export const routes: AnyRoute[] = [
  // ...eventRoutes,
  // ...orderRoutes,
];
