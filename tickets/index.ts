/**
 * @module tickets
 * The tickets front door: issued tickets (PostgreSQL, `tickets/store.ts`), their signed and
 * rotating codes (`codes.ts`), QR and PDF (`render.ts`), check-in through the `checkin` actor
 * (`checkin.ts`), and the consumers of the tickets process (`consumer.ts`, `main.ts`).
 * `createTickets` wires one process's instance. See docs/tickets.md.
 *
 * The refund path's contract: call `voidOrderTickets(orderId, reason)` (idempotent), or emit
 * `order.refunded` (`tb.evt.order.<orderId>.refunded`, `data.orderId`, `data.eventId`) and the
 * tickets process voids them; a checked-in ticket stays checked in and is reported.
 */
import type { Sql } from 'postgres';
import type { Config } from '../config/index.js';
import { createCheckinService, type CheckinService } from './checkin.js';
import { createTicketSigner, signingKeyFrom, type TicketSigner } from './codes.js';
import { createTicketLookups, type TicketLookups } from './settings.js';
import type { Actors } from '../actors/client/index.js';
import { createTicketService, type TicketService } from './service.js';
import { createTicketStore, type TicketStore } from './store.js';

export { createTicketStore, viewOf as ticketViewOf } from './store.js';
export { createTicketService } from './service.js';
export { createCheckinService, MAX_OFFLINE_AGE_MS } from './checkin.js';
export { createTicketLookups, TICKETS_SERVICE_VIEWER } from './settings.js';
export {
  createTicketSigner,
  signingKeyFrom,
  developmentSigningKey,
  verifyWith,
  isCodeProblem,
  eventRotationKey,
  ticketRotationSecret,
  rotatingCode,
  otpOf,
  stepOf,
  isLiveOtp,
  CODE_PREFIX,
  DEFAULT_CODE_PERIOD_S,
} from './codes.js';
export { ticketsForOrder, ticketIdsOfOrder, ticketIdOf, transferredIdOf } from './issue.js';
export { qrSvg, qrPng, ticketPdf } from './render.js';
export {
  startTicketsConsumers,
  createOrdersBatchHandler,
  createCheckinsBatchHandler,
  TICKETS_ORDERS_CONSUMER,
  TICKETS_CHECKINS_CONSUMER,
  ORDER_REFUNDED,
  ORDER_FILTER,
  CHECKIN_FILTER,
} from './consumer.js';
export { TicketStatus, TicketView, TicketDetail, TicketList, CheckinListView, CheckinResult, BatchScanResult } from './types.js';

export type { TicketStore, NewTicket } from './store.js';
export type { TicketService, TicketServiceDeps, VoidOutcome, OfflineList } from './service.js';
export type { CheckinService, CheckinDeps, ScanRequest, BatchRequest } from './checkin.js';
export type { TicketSigner, CodeClaims, VerifiedCode, CodeProblem } from './codes.js';
export type { TicketLookups, EventCodeSettings } from './settings.js';
export type { IssuableOrder } from './issue.js';
export type { TicketsConsumerOptions } from './consumer.js';

/** One process's tickets: store, signer, lookups, buyer service, check-in service. */
export interface Tickets {
  store: TicketStore;
  signer: TicketSigner;
  lookups: TicketLookups;
  service: TicketService;
  checkin: CheckinService;
}

/** The settings `createTickets` reads. */
export type TicketsConfig = Pick<Config, 'ticketSigningKey' | 'ticketRotationSecret' | 'ticketCodeWindowSteps' | 'checkinBuckets'>;

/** Wire the tickets of one process over a postgres.js client and the typed actor references. */
export function createTickets(o: { sql: Sql; actors: Actors; config: TicketsConfig; now?: () => number }): Tickets {
  const store = createTicketStore(o.sql);
  const signer = createTicketSigner(signingKeyFrom(o.config.ticketSigningKey));
  const lookups = createTicketLookups(o.actors);
  const common = {
    actors: o.actors,
    store,
    signer,
    lookups,
    rotationSecret: o.config.ticketRotationSecret,
    windowSteps: o.config.ticketCodeWindowSteps,
    buckets: o.config.checkinBuckets,
    ...(o.now ? { now: o.now } : {}),
  };
  return { store, signer, lookups, service: createTicketService(common), checkin: createCheckinService(common) };
}
