/**
 * @module gateway/routes
 * The application's HTTP routes, one module per resource, each exporting `RouteDefinition`s
 * (typed with `defineRoute`). `routes` are the ones that need nothing but NATS (events, ticket
 * classes); `createRoutes` adds those bound to services (accounts, and the catalog listings).
 * `gateway/main.ts` serves `createRoutes(...)` (plus the built-in health, metrics and
 * documentation routes), and the OpenAPI document is generated from the same list.
 */
import type { Accounts } from '../../accounts/index.js';
import type { Catalog } from '../../catalog/index.js';
import type { AnyRoute } from '../types.js';
import { authRoutes } from './auth.js';
import { catalogRoutes } from './catalog.js';
import { eventLifecycleRoutes } from './event-lifecycle.js';
import { eventRoutes } from './events.js';
import { meRoutes } from './me.js';
import { queueRoutes } from './queue.js';
import { ticketClassRoutes } from './ticket-classes.js';

export { authRateLimit, isCredentialRoute } from './auth-rate-limit.js';
export type { AuthRateLimitOptions } from './auth-rate-limit.js';

/** Routes that only need NATS: events, ticket classes, the waitroom. */
export const routes: AnyRoute[] = [...eventRoutes, ...eventLifecycleRoutes, ...ticketClassRoutes, ...queueRoutes];

/** The services route modules are bound to. */
export interface RouteDeps {
  accounts: Accounts;
  /** The catalog read API; without it the listing routes (`GET /events`, `/categories`, `/me/events`) are left out. */
  catalog?: Catalog;
}

/** Every application route: accounts (`/auth`, `/me`, internal lookup), events, ticket classes, catalog listings. */
export function createRoutes(deps: RouteDeps): AnyRoute[] {
  return [...authRoutes(deps.accounts), ...meRoutes(deps.accounts), ...routes, ...(deps.catalog ? catalogRoutes(deps.catalog) : [])];
}
