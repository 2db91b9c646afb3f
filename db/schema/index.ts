/**
 * @module db/schema
 * Every table of the TicketBottle database, one file per aggregate group. drizzle-kit reads
 * this list to generate migrations; `createDb` passes it to drizzle for the relational API.
 * Add a new group's file here and nowhere else.
 */
export { users, refreshTokens, emailVerificationTokens, UsersConstraints } from './users.js';
export { catalogEvents, catalogEventStaff, catalogTicketClasses, catalogCheckpoints } from './catalog.js';
export { payments, paymentOutbox, paymentInbox, paymentRefunds, sandboxRefunds, PaymentsConstraints } from './payments.js';
export { orderHistory, orderHistoryLines, flaggedPayments } from './orders.js';
export { tickets, checkinLists } from './tickets.js';
export { mailSends } from './mail.js';

export type { UserRow, NewUserRow, RefreshTokenRow, EmailVerificationTokenRow } from './users.js';
export type { CatalogEventRow, CatalogTicketClassRow, CatalogOrganizer } from './catalog.js';
export type { PaymentRow, PaymentOutboxRow, PaymentInboxRow, PaymentRefundRow, PaymentFlags } from './payments.js';
export type { OrderHistoryRow, OrderHistoryLineRow, FlaggedPaymentRow, OrderPaymentView } from './orders.js';
export type { TicketRow, NewTicketRow, CheckinListRow } from './tickets.js';
export type { MailSendRow } from './mail.js';
