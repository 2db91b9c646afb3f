/**
 * @module db
 * The PostgreSQL front door: connection, migrations, schema tables, and the mapping of
 * database errors to TicketBottle errors. Other folders import only from here.
 */
export { createDb } from './client.js';
export { migrate, ensureDatabase, databaseNameOf, MIGRATIONS_FOLDER } from './migrate.js';
export { DbQueryError, PgCode, pgErrorFacts, isUniqueViolation, wrapDbError, withDbErrors } from './errors.js';
export { users, refreshTokens, emailVerificationTokens, UsersConstraints } from './schema/index.js';
export { catalogEvents, catalogEventStaff, catalogTicketClasses, catalogCheckpoints } from './schema/index.js';
export { payments, paymentOutbox, paymentInbox, paymentRefunds, sandboxRefunds, PaymentsConstraints } from './schema/index.js';
export { orderHistory, orderHistoryLines, flaggedPayments } from './schema/index.js';
export { tickets, checkinLists } from './schema/index.js';
export { mailSends } from './schema/index.js';

export type { Db, DbHandle, CreateDbOptions } from './client.js';
export type { PgErrorFacts, WrapOptions } from './errors.js';
export type { UserRow, NewUserRow, RefreshTokenRow, EmailVerificationTokenRow } from './schema/index.js';
export type { CatalogEventRow, CatalogTicketClassRow, CatalogOrganizer } from './schema/index.js';
export type { PaymentRow, PaymentOutboxRow, PaymentInboxRow, PaymentRefundRow, PaymentFlags } from './schema/index.js';
export type { OrderHistoryRow, OrderHistoryLineRow, FlaggedPaymentRow, OrderPaymentView } from './schema/index.js';
export type { TicketRow, NewTicketRow, CheckinListRow } from './schema/index.js';
