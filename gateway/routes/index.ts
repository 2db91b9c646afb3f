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
import { historyRoutes, type HistoryRouteDeps } from './history.js';
import { meRoutes } from './me.js';
import { orderRoutes, type OrderRouteDeps } from './orders.js';
import { paymentRoutes, type PaymentRouteDeps } from './payments.js';
import { organizerRoutes, type OrganizerRouteDeps } from './organizer.js';
import { queueRoutes } from './queue.js';
import { organizerRefundRoutes, sandboxRefundRoutes } from './refunds.js';
import { createSandboxRefundDesk } from '../../payments/index.js';
import { queueControlRoutes } from './queue-controls.js';
import { ticketClassRoutes } from './ticket-classes.js';
import { ticketRoutes, type TicketRouteDeps } from './tickets.js';

export { authRateLimit, isCredentialRoute } from './auth-rate-limit.js';
export type { AuthRateLimitOptions } from './auth-rate-limit.js';
export { paymentRoutes, sandboxCallbackTarget } from './payments.js';
export { historyRoutes } from './history.js';
export type { PaymentRouteDeps } from './payments.js';
export type { HistoryRouteDeps } from './history.js';
export { orderRoutes } from './orders.js';
export type { OrderRouteDeps } from './orders.js';
export { ticketRoutes } from './tickets.js';
export type { TicketRouteDeps } from './tickets.js';

/** Routes that only need NATS: events, ticket classes, the waitroom. */
export const routes: AnyRoute[] = [...eventRoutes, ...eventLifecycleRoutes, ...ticketClassRoutes, ...queueRoutes, ...queueControlRoutes];

/** The services route modules are bound to. */
export interface RouteDeps {
  accounts: Accounts;
  /** The catalog read API; without it the listing routes (`GET /events`, `/categories`, `/me/events`) are left out. */
  catalog?: Catalog;
  /** Provider webhooks, the sandbox payment page/API, flagged payments; left out without it. */
  payments?: PaymentRouteDeps;
  /** My orders, one order, sales per event (the order-history projection); left out without it. */
  history?: HistoryRouteDeps;
  /** Create, read and cancel orders (the saga's fast path); left out without it. */
  orders?: OrderRouteDeps;
  /** Organizer views of an event (orders, attendees, sales over time, check-in progress, CSV); left out without it. */
  organizer?: OrganizerRouteDeps;
  /** My tickets, codes, QR/PDF, check-in at the doors (docs/tickets.md); left out without it. */
  tickets?: TicketRouteDeps;
}

/** Every application route: accounts (`/auth`, `/me`, internal lookup), events, ticket classes, catalog listings. */
export function createRoutes(deps: RouteDeps): AnyRoute[] {
  const orderReads = [...(deps.payments ? paymentRoutes(deps.payments) : []), ...(deps.history ? historyRoutes(deps.history) : [])];
  const orders = deps.orders ? [...orderRoutes(deps.orders), ...organizerRefundRoutes()] : [];
  const refundDesk = deps.payments
    ? sandboxRefundRoutes(
        createSandboxRefundDesk(deps.payments.db, deps.payments.config.sandboxPaymentSecret),
        () => deps.payments!.config.sandboxPayEnabled === 1,
      )
    : [];
  const organizer = deps.organizer ? organizerRoutes(deps.organizer) : [];
  const tickets = deps.tickets ? ticketRoutes(deps.tickets) : [];
  return [
    ...authRoutes(deps.accounts),
    ...meRoutes(deps.accounts),
    ...routes,
    ...(deps.catalog ? catalogRoutes(deps.catalog) : []),
    ...orderReads,
    ...orders,
    ...refundDesk,
    ...organizer,
    ...tickets,
  ];
}
