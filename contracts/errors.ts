/**
 * @module contracts/errors
 * The one registry of error codes. Every error that crosses a process boundary (a NATS reply,
 * an HTTP body) carries one of these codes; `docs/errors.md` documents each, and
 * `errors.test.ts` keeps the registry and the document in step.
 */

/** One registered error: stable code, HTTP status, whether a retry with the same command id may succeed. */
export interface ErrorSpec {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  /** Message template; `{name}` is replaced by `params.name`. */
  readonly message: string;
}

export const ErrorCodes = {
  // --- codec: the bytes could not become a message ---
  CODEC_MALFORMED: { code: 'CODEC_MALFORMED', status: 400, retryable: false, message: 'The payload could not be decoded as {format}' },
  CODEC_PAYLOAD_TOO_LARGE: {
    code: 'CODEC_PAYLOAD_TOO_LARGE',
    status: 413,
    retryable: false,
    message: 'The payload is {size} bytes; the limit is {limit}',
  },
  CODEC_UNSUPPORTED_CONTENT_TYPE: {
    code: 'CODEC_UNSUPPORTED_CONTENT_TYPE',
    status: 415,
    retryable: false,
    message: 'Content type {contentType} is not supported; use application/msgpack or application/json',
  },

  // --- command: the message is not a valid command ---
  COMMAND_INVALID: { code: 'COMMAND_INVALID', status: 400, retryable: false, message: 'The command is invalid: {reason}' },
  COMMAND_UNKNOWN_KIND: { code: 'COMMAND_UNKNOWN_KIND', status: 404, retryable: false, message: 'No actor kind {kind}' },
  COMMAND_UNKNOWN_VERB: { code: 'COMMAND_UNKNOWN_VERB', status: 404, retryable: false, message: 'Actor kind {kind} has no verb {verb}' },
  COMMAND_INVALID_ID: {
    code: 'COMMAND_INVALID_ID',
    status: 400,
    retryable: false,
    message: 'Actor id {id} is not valid (1-64 characters of A-Z a-z 0-9 _ -)',
  },
  COMMAND_NOT_FOUND: { code: 'COMMAND_NOT_FOUND', status: 404, retryable: false, message: '{kind} {id} does not exist' },
  COMMAND_REJECTED: { code: 'COMMAND_REJECTED', status: 409, retryable: false, message: 'The command was rejected in state {state}' },
  COMMAND_ID_REUSED: {
    code: 'COMMAND_ID_REUSED',
    status: 409,
    retryable: false,
    message: 'Command id {commandId} was already used for a different command',
  },

  // --- runtime: the cluster could not serve the command now; retry with the same command id ---
  RUNTIME_NOT_OWNER: {
    code: 'RUNTIME_NOT_OWNER',
    status: 503,
    retryable: true,
    message: 'This node does not own partition {partition}; retry',
  },
  RUNTIME_UNAVAILABLE: {
    code: 'RUNTIME_UNAVAILABLE',
    status: 503,
    retryable: true,
    message: 'Storage is unavailable; the outcome is unknown, retry with the same command id',
  },
  RUNTIME_OVERLOADED: {
    code: 'RUNTIME_OVERLOADED',
    status: 503,
    retryable: true,
    message: 'The actor mailbox is full ({depth} commands); retry later',
  },
  RUNTIME_SHUTTING_DOWN: { code: 'RUNTIME_SHUTTING_DOWN', status: 503, retryable: true, message: 'The node is shutting down; retry' },
  RUNTIME_TIMEOUT: {
    code: 'RUNTIME_TIMEOUT',
    status: 504,
    retryable: true,
    message: 'No answer within {timeoutMs} ms; the outcome is unknown, retry with the same command id',
  },
  RUNTIME_PRIVATE_MESSAGE: {
    code: 'RUNTIME_PRIVATE_MESSAGE',
    status: 400,
    retryable: false,
    message: 'Message type {type} is private to the runtime and cannot be sent on a public subject',
  },

  // --- auth: sign-in and session tokens (accounts service) ---
  AUTH_INVALID_CREDENTIALS: {
    code: 'AUTH_INVALID_CREDENTIALS',
    status: 401,
    retryable: false,
    message: 'The email or password is incorrect',
  },
  AUTH_TOKEN_EXPIRED: { code: 'AUTH_TOKEN_EXPIRED', status: 401, retryable: false, message: 'The access token has expired; refresh it' },
  AUTH_REFRESH_TOKEN_INVALID: {
    code: 'AUTH_REFRESH_TOKEN_INVALID',
    status: 401,
    retryable: false,
    message: 'The refresh token is invalid, expired or revoked; sign in again',
  },
  AUTH_REFRESH_TOKEN_REUSED: {
    code: 'AUTH_REFRESH_TOKEN_REUSED',
    status: 401,
    retryable: false,
    message: 'A refresh token was used twice; every session of this account was signed out',
  },
  // gateway auth middleware: a route that needs a caller, and its roles
  AUTH_TOKEN_MISSING: {
    code: 'AUTH_TOKEN_MISSING',
    status: 401,
    retryable: false,
    message: 'This operation needs an access token (Authorization: Bearer <token>)',
  },
  AUTH_TOKEN_INVALID: { code: 'AUTH_TOKEN_INVALID', status: 401, retryable: false, message: 'The access token is invalid' },
  AUTH_FORBIDDEN: { code: 'AUTH_FORBIDDEN', status: 403, retryable: false, message: 'This operation needs one of the roles: {roles}' },
  AUTH_TOO_MANY_ATTEMPTS: {
    code: 'AUTH_TOO_MANY_ATTEMPTS',
    status: 429,
    retryable: true,
    message: 'Too many failed sign-ins for this account; retry after {retryAfterSec} s',
  },

  // --- account: registration, profile, email verification ---
  ACCOUNT_EMAIL_TAKEN: { code: 'ACCOUNT_EMAIL_TAKEN', status: 409, retryable: false, message: 'An account with this email already exists' },
  ACCOUNT_PASSWORD_TOO_WEAK: {
    code: 'ACCOUNT_PASSWORD_TOO_WEAK',
    status: 400,
    retryable: false,
    message: 'The password is too weak: {reasons}',
  },
  ACCOUNT_NOT_FOUND: { code: 'ACCOUNT_NOT_FOUND', status: 404, retryable: false, message: 'No account {userId}' },
  ACCOUNT_EMAIL_ALREADY_VERIFIED: {
    code: 'ACCOUNT_EMAIL_ALREADY_VERIFIED',
    status: 409,
    retryable: false,
    message: 'The email address is already verified',
  },
  ACCOUNT_VERIFICATION_TOKEN_INVALID: {
    code: 'ACCOUNT_VERIFICATION_TOKEN_INVALID',
    status: 400,
    retryable: false,
    message: 'The verification link is invalid or was already used',
  },
  ACCOUNT_VERIFICATION_TOKEN_EXPIRED: {
    code: 'ACCOUNT_VERIFICATION_TOKEN_EXPIRED',
    status: 400,
    retryable: false,
    message: 'The verification link has expired; request a new one',
  },
  ACCOUNT_BATCH_TOO_LARGE: {
    code: 'ACCOUNT_BATCH_TOO_LARGE',
    status: 400,
    retryable: false,
    message: 'At most {limit} ids per lookup; got {count}',
  },

  // --- http: the gateway refused the HTTP request before any actor saw it ---
  HTTP_NOT_FOUND: { code: 'HTTP_NOT_FOUND', status: 404, retryable: false, message: 'No route for {path}' },
  HTTP_METHOD_NOT_ALLOWED: {
    code: 'HTTP_METHOD_NOT_ALLOWED',
    status: 405,
    retryable: false,
    message: 'Method {method} is not allowed here; allowed: {allow}',
  },
  HTTP_MALFORMED_JSON: { code: 'HTTP_MALFORMED_JSON', status: 400, retryable: false, message: 'The request body is not valid JSON' },
  HTTP_UNSUPPORTED_MEDIA_TYPE: {
    code: 'HTTP_UNSUPPORTED_MEDIA_TYPE',
    status: 415,
    retryable: false,
    message: 'Content type {contentType} is not supported; send application/json',
  },
  HTTP_PAYLOAD_TOO_LARGE: {
    code: 'HTTP_PAYLOAD_TOO_LARGE',
    status: 413,
    retryable: false,
    message: 'The request body exceeds the limit of {limit} bytes',
  },
  HTTP_RATE_LIMITED: {
    code: 'HTTP_RATE_LIMITED',
    status: 429,
    retryable: true,
    message: 'Too many requests; retry after {retryAfterSec} s',
  },
  HTTP_NOT_READY: { code: 'HTTP_NOT_READY', status: 503, retryable: true, message: 'The gateway is not ready: {failing}' },
  HTTP_OVERLOADED: {
    code: 'HTTP_OVERLOADED',
    status: 503,
    retryable: true,
    message: 'The gateway is handling {inFlight} requests, its limit; retry after {retryAfterSec} s',
  },
  HTTP_BAD_CONTENT_LENGTH: {
    code: 'HTTP_BAD_CONTENT_LENGTH',
    status: 400,
    retryable: false,
    message: 'The body length is ambiguous ({reason}); the connection is closed',
  },

  // --- event: the event actor refused the command (status, permissions, limits) ---
  EVENT_ALREADY_EXISTS: { code: 'EVENT_ALREADY_EXISTS', status: 409, retryable: false, message: 'Event {eventId} already exists' },
  EVENT_ILLEGAL_TRANSITION: {
    code: 'EVENT_ILLEGAL_TRANSITION',
    status: 409,
    retryable: false,
    message: 'Event {eventId} cannot go from {from} to {to}',
  },
  EVENT_FORBIDDEN: { code: 'EVENT_FORBIDDEN', status: 403, retryable: false, message: 'User {userId} may not {action} event {eventId}' },
  EVENT_CANCELLED: { code: 'EVENT_CANCELLED', status: 409, retryable: false, message: 'Event {eventId} is cancelled' },
  EVENT_INVALID_DATES: {
    code: 'EVENT_INVALID_DATES',
    status: 400,
    retryable: false,
    message: 'Event {eventId} dates are inconsistent: {reason}',
  },
  EVENT_LAST_ADMIN: {
    code: 'EVENT_LAST_ADMIN',
    status: 409,
    retryable: false,
    message: 'User {userId} is the last admin of event {eventId} and cannot be removed',
  },
  EVENT_TOO_MANY_STAFF: {
    code: 'EVENT_TOO_MANY_STAFF',
    status: 409,
    retryable: false,
    message: 'Event {eventId} already has {limit} staff members',
  },
  EVENT_TOO_MANY_TICKET_CLASSES: {
    code: 'EVENT_TOO_MANY_TICKET_CLASSES',
    status: 409,
    retryable: false,
    message: 'Event {eventId} already has {limit} ticket classes',
  },

  // --- inventory: the ticket class refused the command (stock, holds, sale window) ---
  INVENTORY_ALREADY_EXISTS: {
    code: 'INVENTORY_ALREADY_EXISTS',
    status: 409,
    retryable: false,
    message: 'Ticket class {classId} already exists',
  },
  INVENTORY_SOLD_OUT: {
    code: 'INVENTORY_SOLD_OUT',
    status: 409,
    retryable: false,
    message: 'Ticket class {classId} is sold out ({requested} requested)',
  },
  INVENTORY_INSUFFICIENT: {
    code: 'INVENTORY_INSUFFICIENT',
    status: 409,
    retryable: false,
    message: 'Ticket class {classId} has {available} tickets left; {requested} requested',
  },
  INVENTORY_QUANTITY_OVER_LIMIT: {
    code: 'INVENTORY_QUANTITY_OVER_LIMIT',
    status: 400,
    retryable: false,
    message: 'Ticket class {classId} allows at most {limit} tickets per order; {requested} requested',
  },
  INVENTORY_NOT_ON_SALE: {
    code: 'INVENTORY_NOT_ON_SALE',
    status: 409,
    retryable: false,
    message: 'Ticket class {classId} is not on sale ({reason})',
  },
  INVENTORY_CLASS_CLOSED: { code: 'INVENTORY_CLASS_CLOSED', status: 409, retryable: false, message: 'Ticket class {classId} is closed' },
  INVENTORY_HOLD_NOT_FOUND: {
    code: 'INVENTORY_HOLD_NOT_FOUND',
    status: 404,
    retryable: false,
    message: 'Ticket class {classId} has no hold for order {orderId}',
  },
  INVENTORY_HOLD_CONFLICT: {
    code: 'INVENTORY_HOLD_CONFLICT',
    status: 409,
    retryable: false,
    message: 'Order {orderId} already holds {held} tickets of class {classId}; {requested} requested',
  },
  INVENTORY_ORDER_FINISHED: {
    code: 'INVENTORY_ORDER_FINISHED',
    status: 409,
    retryable: false,
    message: 'Order {orderId} is already {state} on ticket class {classId}',
  },
  INVENTORY_TOTAL_TOO_LOW: {
    code: 'INVENTORY_TOTAL_TOO_LOW',
    status: 409,
    retryable: false,
    message: 'Ticket class {classId} cannot have total {total}: {committed} tickets are reserved or sold',
  },
  INVENTORY_INVALID_SALE_WINDOW: {
    code: 'INVENTORY_INVALID_SALE_WINDOW',
    status: 400,
    retryable: false,
    message: 'Ticket class {classId} sale window is invalid: it must start before it ends',
  },
  INVENTORY_TOO_MANY_HOLDS: {
    code: 'INVENTORY_TOO_MANY_HOLDS',
    status: 503,
    retryable: true,
    message: 'Ticket class {classId} has {holds} open holds (limit {limit}); retry shortly',
  },
  INVENTORY_ALL_HELD: {
    code: 'INVENTORY_ALL_HELD',
    status: 409,
    retryable: false,
    message:
      'Every ticket left in class {classId} ({held}) is held by an unpaid checkout; some may come back: try again in {retryInSec} s (retryAt)',
  },

  // --- catalog: the catalog read API refused the query (listing, search, my events) ---
  CATALOG_INVALID_QUERY: {
    code: 'CATALOG_INVALID_QUERY',
    status: 400,
    retryable: false,
    message: 'The catalog query is invalid: {reason}',
  },
  CATALOG_INVALID_CURSOR: {
    code: 'CATALOG_INVALID_CURSOR',
    status: 400,
    retryable: false,
    message: 'The pagination cursor is invalid ({reason}); start again without a cursor',
  },

  // --- queue: the waitroom refused the request (joining, claiming a slot, checkout tokens) ---
  QUEUE_NOT_OPEN: {
    code: 'QUEUE_NOT_OPEN',
    status: 409,
    retryable: false,
    message: 'The waitroom of event {eventId} is not open: {reason}',
  },
  QUEUE_NOT_ENABLED: {
    code: 'QUEUE_NOT_ENABLED',
    status: 409,
    retryable: false,
    message: 'Event {eventId} has no waitroom (allowWaitRoom is off)',
  },
  QUEUE_ALREADY_EXISTS: {
    code: 'QUEUE_ALREADY_EXISTS',
    status: 409,
    retryable: false,
    message: 'The queue of event {eventId} already exists with other settings',
  },
  QUEUE_NOT_JOINED: {
    code: 'QUEUE_NOT_JOINED',
    status: 404,
    retryable: false,
    message: 'User {userId} has not joined the queue of event {eventId}',
  },
  QUEUE_TICKET_UNKNOWN: {
    code: 'QUEUE_TICKET_UNKNOWN',
    status: 404,
    retryable: false,
    message: 'The queue of event {eventId} gave no ticket {ticket}',
  },
  QUEUE_NOT_YOUR_TURN: {
    code: 'QUEUE_NOT_YOUR_TURN',
    status: 409,
    retryable: false,
    message: 'Position {position} has not been called yet (now serving {cursor})',
  },
  QUEUE_SLOT_EXPIRED: {
    code: 'QUEUE_SLOT_EXPIRED',
    status: 409,
    retryable: false,
    message: 'The turn of position {position} is over ({outcome})',
  },
  QUEUE_SESSION_MISMATCH: {
    code: 'QUEUE_SESSION_MISMATCH',
    status: 409,
    retryable: false,
    message: 'Position {position} is held by another session',
  },
  QUEUE_TOKEN_INVALID: { code: 'QUEUE_TOKEN_INVALID', status: 403, retryable: false, message: 'The checkout token is invalid' },
  QUEUE_TOKEN_EXPIRED: {
    code: 'QUEUE_TOKEN_EXPIRED',
    status: 403,
    retryable: false,
    message: 'The checkout token has expired; the checkout slot is gone',
  },
  QUEUE_TOKEN_WRONG_USER: {
    code: 'QUEUE_TOKEN_WRONG_USER',
    status: 403,
    retryable: false,
    message: 'The checkout token was issued to another user',
  },
  QUEUE_TOKEN_WRONG_EVENT: {
    code: 'QUEUE_TOKEN_WRONG_EVENT',
    status: 403,
    retryable: false,
    message: 'The checkout token is for another event',
  },

  // --- payment: providers (creating a payment, verifying a provider's callback) ---
  PAYMENT_PROVIDER_UNKNOWN: {
    code: 'PAYMENT_PROVIDER_UNKNOWN',
    status: 400,
    retryable: false,
    message: 'No payment provider {provider}; known: {known}',
  },
  PAYMENT_PROVIDER_UNCONFIGURED: {
    code: 'PAYMENT_PROVIDER_UNCONFIGURED',
    status: 503,
    retryable: false,
    message: 'Payment provider {provider} is not configured (set {settings})',
  },
  PAYMENT_UNSUPPORTED_CURRENCY: {
    code: 'PAYMENT_UNSUPPORTED_CURRENCY',
    status: 400,
    retryable: false,
    message: 'Payment provider {provider} accepts only {accepted}; got {currency}',
  },
  PAYMENT_INVALID_AMOUNT: {
    code: 'PAYMENT_INVALID_AMOUNT',
    status: 400,
    retryable: false,
    message: 'Amount {amountMinor} cannot be paid with {provider}: {reason}',
  },
  PAYMENT_INVALID_REQUEST: {
    code: 'PAYMENT_INVALID_REQUEST',
    status: 400,
    retryable: false,
    message: 'The payment request for {provider} is invalid: {reason}',
  },
  PAYMENT_PROVIDER_REJECTED: {
    code: 'PAYMENT_PROVIDER_REJECTED',
    status: 502,
    retryable: false,
    message: 'Payment provider {provider} refused the payment ({providerCode}): {reason}',
  },
  PAYMENT_PROVIDER_UNAVAILABLE: {
    code: 'PAYMENT_PROVIDER_UNAVAILABLE',
    status: 503,
    retryable: true,
    message: 'Payment provider {provider} did not answer usefully ({reason}); retry with the same order code',
  },
  PAYMENT_CALLBACK_INVALID: {
    code: 'PAYMENT_CALLBACK_INVALID',
    status: 400,
    retryable: false,
    message: 'The {provider} callback was refused: {reason}',
  },

  // --- payment: the payment store refused the request ---
  PAYMENT_NOT_FOUND: { code: 'PAYMENT_NOT_FOUND', status: 404, retryable: false, message: 'No payment {paymentId}' },
  PAYMENT_INVALID: { code: 'PAYMENT_INVALID', status: 400, retryable: false, message: 'The payment is invalid: {reason}' },

  // --- webhook: provider callbacks at the gateway and the local sandbox payment page ---
  WEBHOOK_SANDBOX_DISABLED: {
    code: 'WEBHOOK_SANDBOX_DISABLED',
    status: 404,
    retryable: false,
    message: 'The sandbox payment page is turned off here',
  },
  WEBHOOK_SANDBOX_LINK_INVALID: {
    code: 'WEBHOOK_SANDBOX_LINK_INVALID',
    status: 400,
    retryable: false,
    message: 'The sandbox payment link is incomplete or was altered: {reason}',
  },
  WEBHOOK_SANDBOX_PAYMENT_NOT_FOUND: {
    code: 'WEBHOOK_SANDBOX_PAYMENT_NOT_FOUND',
    status: 404,
    retryable: false,
    message: 'No sandbox payment for order {orderCode}',
  },
  WEBHOOK_SANDBOX_FORBIDDEN: {
    code: 'WEBHOOK_SANDBOX_FORBIDDEN',
    status: 403,
    retryable: false,
    message: 'Only the signed payment link, or the signed-in owner of order {orderCode}, may pay or fail its sandbox payment',
  },

  // --- history: the order-history read model (my orders, one order, sales per event) ---
  HISTORY_ORDER_NOT_FOUND: { code: 'HISTORY_ORDER_NOT_FOUND', status: 404, retryable: false, message: 'No order {orderId}' },
  HISTORY_INVALID_CURSOR: {
    code: 'HISTORY_INVALID_CURSOR',
    status: 400,
    retryable: false,
    message: 'The page cursor is invalid: {reason}',
  },
  HISTORY_UNAVAILABLE: {
    code: 'HISTORY_UNAVAILABLE',
    status: 503,
    retryable: true,
    message: 'The order history ({backend}) is unavailable; retry',
  },

  // --- order: the order saga refused the request (ownership, state, checks at create) ---
  ORDER_NOT_FOUND: { code: 'ORDER_NOT_FOUND', status: 404, retryable: false, message: 'Order {orderId} does not exist' },
  ORDER_NOT_CANCELLABLE: {
    code: 'ORDER_NOT_CANCELLABLE',
    status: 409,
    retryable: false,
    message: 'Order {orderId} is {status}; only a PENDING order can be cancelled',
  },
  ORDER_DUPLICATE_LINE: {
    code: 'ORDER_DUPLICATE_LINE',
    status: 400,
    retryable: false,
    message: 'Ticket class {classId} appears in more than one line',
  },
  ORDER_EVENT_NOT_ON_SALE: {
    code: 'ORDER_EVENT_NOT_ON_SALE',
    status: 409,
    retryable: false,
    message: 'Event {eventId} is not on sale ({reason})',
  },
  ORDER_CLASS_NOT_IN_EVENT: {
    code: 'ORDER_CLASS_NOT_IN_EVENT',
    status: 400,
    retryable: false,
    message: 'Ticket class {classId} does not belong to event {eventId}',
  },
  ORDER_CHECKOUT_TOKEN_REQUIRED: {
    code: 'ORDER_CHECKOUT_TOKEN_REQUIRED',
    status: 403,
    retryable: false,
    message: 'Event {eventId} sells through its waitroom: send the checkout token',
  },
  ORDER_TOO_MANY_TICKETS: {
    code: 'ORDER_TOO_MANY_TICKETS',
    status: 400,
    retryable: false,
    message: 'An order may hold at most {limit} tickets; {requested} requested',
  },
  ORDER_FAILED: { code: 'ORDER_FAILED', status: 409, retryable: false, message: 'Order {orderId} failed: {reason}' },
  ORDER_IN_PROGRESS: {
    code: 'ORDER_IN_PROGRESS',
    status: 503,
    retryable: true,
    message: 'Order {orderId} is still {status}; retry with the same Idempotency-Key',
  },
  // one admission, one checkout; buyer limits (issue 10)
  ORDER_CHECKOUT_TOKEN_USED: {
    code: 'ORDER_CHECKOUT_TOKEN_USED',
    status: 409,
    retryable: false,
    message: 'This checkout token already made an order for event {eventId}: one admission is one checkout',
  },
  ORDER_CHECKOUT_SLOT_ENDED: {
    code: 'ORDER_CHECKOUT_SLOT_ENDED',
    status: 410,
    retryable: false,
    message: 'The checkout slot of this token has ended on event {eventId}; the token is no longer valid',
  },
  ORDER_BUYER_TICKET_LIMIT: {
    code: 'ORDER_BUYER_TICKET_LIMIT',
    status: 409,
    retryable: false,
    message: 'A buyer may hold at most {limit} tickets of event {eventId}; {held} held, {requested} requested',
  },
  ORDER_BUYER_OPEN_ORDERS_LIMIT: {
    code: 'ORDER_BUYER_OPEN_ORDERS_LIMIT',
    status: 409,
    retryable: false,
    message: 'A buyer may have at most {limit} unpaid orders for event {eventId}: pay or cancel the open one first',
  },

  // --- ws: the queue WebSocket refused a connection (issue 10: per-user socket cap) ---
  WS_TOO_MANY_SOCKETS: {
    code: 'WS_TOO_MANY_SOCKETS',
    status: 429,
    retryable: true,
    message: 'You already have {open} queue sockets open for event {eventId} here (limit {limit}); close one first',
  },
  // doc: A refusal decided after the socket opened is a close with code `4000 + HTTP status` and the
  // doc: error code as reason (docs/websocket.md).
  // --- refund: refunds of paid orders and flagged payments (payments/refunds, order actor) ---
  REFUND_NOT_REFUNDABLE: {
    code: 'REFUND_NOT_REFUNDABLE',
    status: 409,
    retryable: false,
    message: 'Order {orderId} is {status}; only a paid (COMPLETED) order can be refunded',
  },
  REFUND_FORBIDDEN: {
    code: 'REFUND_FORBIDDEN',
    status: 403,
    retryable: false,
    message: 'Refunding orders of event {eventId} needs the event admin role',
  },
  REFUND_NO_TRANSACTION: {
    code: 'REFUND_NO_TRANSACTION',
    status: 409,
    retryable: false,
    message: 'Payment {paymentId} has no received transaction {providerTxnId} to refund',
  },

  // --- organizer: organizer views of an event (orders, attendees, sales, check-in) ---
  ORGANIZER_FORBIDDEN: {
    code: 'ORGANIZER_FORBIDDEN',
    status: 403,
    retryable: false,
    message: 'Your role on event {eventId} does not allow {what}',
  },
  ORGANIZER_CURSOR_INVALID: {
    code: 'ORGANIZER_CURSOR_INVALID',
    status: 400,
    retryable: false,
    message: 'The cursor is not one this list gave out',
  },

  // --- mail: outgoing notifications (mailer/) ---
  MAIL_SEND_FAILED: { code: 'MAIL_SEND_FAILED', status: 503, retryable: true, message: 'The mail could not be sent now ({reason})' },

  // --- tickets and check-in: issued tickets, their codes, the doors ---
  TICKET_NOT_FOUND: { code: 'TICKET_NOT_FOUND', status: 404, retryable: false, message: 'No ticket {ticketId}' },
  TICKET_NOT_TRANSFERABLE: {
    code: 'TICKET_NOT_TRANSFERABLE',
    status: 409,
    retryable: false,
    message: 'Ticket {ticketId} is {status}; only a valid ticket can be transferred',
  },
  TICKET_TRANSFER_TARGET_INVALID: {
    code: 'TICKET_TRANSFER_TARGET_INVALID',
    status: 400,
    retryable: false,
    message: 'A ticket cannot be transferred to {target}',
  },
  CHECKIN_CODE_INVALID: {
    code: 'CHECKIN_CODE_INVALID',
    status: 400,
    retryable: false,
    message: 'The scanned code is not a ticket code this platform signed ({reason})',
  },
  CHECKIN_CODE_EXPIRED: {
    code: 'CHECKIN_CODE_EXPIRED',
    status: 409,
    retryable: false,
    message: 'The rotating code of ticket {ticketId} is too old or wrong: show the live code on the phone',
  },
  CHECKIN_WRONG_EVENT: {
    code: 'CHECKIN_WRONG_EVENT',
    status: 409,
    retryable: false,
    message: 'This ticket is for another event, not {eventId}',
  },
  CHECKIN_NOT_ON_LIST: {
    code: 'CHECKIN_NOT_ON_LIST',
    status: 409,
    retryable: false,
    message: 'Ticket {ticketId} (class {classId}) is not admitted by check-in list {listId}',
  },
  CHECKIN_GATE_UNKNOWN: {
    code: 'CHECKIN_GATE_UNKNOWN',
    status: 400,
    retryable: false,
    message: 'Gate {gate} is not a gate of check-in list {listId}',
  },
  CHECKIN_LIST_NOT_FOUND: {
    code: 'CHECKIN_LIST_NOT_FOUND',
    status: 404,
    retryable: false,
    message: 'No check-in list {listId} for event {eventId}',
  },
  CHECKIN_ALREADY: {
    code: 'CHECKIN_ALREADY',
    status: 409,
    retryable: false,
    message: 'Ticket {ticketId} was already checked in at {atIso} at gate {gate}',
  },
  CHECKIN_TICKET_VOIDED: {
    code: 'CHECKIN_TICKET_VOIDED',
    status: 409,
    retryable: false,
    message: 'Ticket {ticketId} is void ({reason}) and cannot be checked in',
  },
  CHECKIN_FORBIDDEN: {
    code: 'CHECKIN_FORBIDDEN',
    status: 403,
    retryable: false,
    message: 'User {userId} may not scan tickets of event {eventId}',
  },

  // --- catch-all: never carries the underlying message ---
  INTERNAL: { code: 'INTERNAL', status: 500, retryable: false, message: 'Internal error' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ErrorCodes;

/** The body every error reply carries, on NATS and over HTTP. */
export interface ErrorBody {
  code: ErrorCode | string;
  message: string;
  retryable: boolean;
  details?: Record<string, unknown>;
}

/** Render a code's message template with `params`; unknown placeholders stay as written. */
export function renderMessage(code: ErrorCode, params: Record<string, unknown> = {}): string {
  return ErrorCodes[code].message.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/** True when `code` is in the registry. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ErrorCodes, code);
}
