/**
 * @module config
 * Every setting of every TicketBottle process, with its default and its environment variable.
 * Pure: `loadConfig(env)` reads only the object it is given, so tests build configs without
 * touching `process.env`. The README's settings table is generated from `SETTINGS` below
 * (and a unit test keeps the two in step).
 */

/** One setting: environment variable, default, what it means. */
export interface Setting {
  readonly env: string;
  readonly default: string;
  readonly doc: string;
}

/** The registry of settings, grouped by who reads them. Keys are the config field names. */
export const SETTINGS = {
  // --- shared ---
  natsUrl: { env: 'TB_NATS_URL', default: 'nats://127.0.0.1:4222', doc: 'NATS server(s), comma separated' },
  databaseUrl: {
    env: 'TB_DATABASE_URL',
    default: 'postgres://postgres@127.0.0.1:5432/ticketbottle',
    doc: 'PostgreSQL connection string (the database is created if missing)',
  },
  logLevel: { env: 'TB_LOG_LEVEL', default: 'info', doc: 'pino level: fatal, error, warn, info, debug, trace' },
  // --- deployment safety (config/production.ts, README "Deploying safely") ---
  deployEnv: {
    env: 'TB_ENV',
    default: 'development',
    doc: 'production = every process refuses to start while a secret is a default or shorter than 32 bytes, and the sandbox provider does not exist (NODE_ENV=production implies it)',
  },
  natsUser: { env: 'TB_NATS_USER', default: '', doc: 'NATS user this process connects as (nats.conf users: actor, gateway, saga, payments, history, relay, catalog, watcher, operator; empty = no credentials, the plain development server)' },
  natsPassword: { env: 'TB_NATS_PASSWORD', default: '', doc: 'password of TB_NATS_USER (secret; 32+ bytes in production)' },
  sandboxStaging: {
    env: 'TB_SANDBOX_STAGING',
    default: '0',
    doc: '1 = keep the sandbox provider (orders, signed callback route, pay page and API) in production mode, for a staging deployment that must never take real money; 0 = in production the sandbox does not exist',
  },
  // --- actor runtime ---
  partitions: {
    env: 'TB_PARTITIONS',
    default: '64',
    doc: 'number of partitions; fixed for the life of a cluster (every node and client must agree)',
  },
  kvReplicas: { env: 'TB_KV_REPLICAS', default: '1', doc: 'replicas of the runtime KV buckets and streams (3 on a cluster)' },
  eventsFormat: { env: 'TB_EVENTS_FORMAT', default: 'msgpack', doc: 'body of the domain events the actor nodes publish on tb.evt.>: msgpack (smaller, cheaper) or json (readable with `nats sub`); consumers read both' },
  heartbeatMs: { env: 'TB_HEARTBEAT_MS', default: '1000', doc: 'membership heartbeat period' },
  memberTimeoutMs: {
    env: 'TB_MEMBER_TIMEOUT_MS',
    default: '4000',
    doc: 'a node unseen this long is dead (must exceed the worst GC / event-loop pause)',
  },
  leaseTtlMs: { env: 'TB_LEASE_TTL_MS', default: '4000', doc: 'a partition lease not renewed this long may be taken over' },
  leaseRenewMs: { env: 'TB_LEASE_RENEW_MS', default: '1000', doc: 'how often an owner renews its leases' },
  passivateAfterMs: { env: 'TB_PASSIVATE_AFTER_MS', default: '120000', doc: 'an idle actor is dropped from memory after this' },
  maxActivations: { env: 'TB_MAX_ACTIVATIONS', default: '100000', doc: 'idle actors beyond this many are passivated early' },
  dedupeWindowMs: {
    env: 'TB_DEDUPE_WINDOW_MS',
    default: '600000',
    doc: 'how long the answer to a command id is remembered, so a retry gets it (the reply log keeps busy actors overflow this long)',
  },
  actorLingerMs: {
    env: 'TB_ACTOR_LINGER_MS',
    default: '10',
    doc: 'after an actor writes a large state entry (over 16 KiB: a waitroom with many slots, a class with many holds), its next batch gathers this long for every 16 KiB of it (at most 10 times this) before it is written, so a busy big actor packs and writes its entry about ten times a second rather than hundreds (0 = never wait)',
  },
  actorFlushMs: {
    env: 'TB_ACTOR_FLUSH_MS',
    default: '5000',
    doc: 'how long acknowledged domain events and logged replies may stay in an idle actor\'s state entry before a write of its own removes them (a busy actor removes them in its next write; read-only commands never write)',
  },
  maxCommandBytes: { env: 'TB_MAX_COMMAND_BYTES', default: '65536', doc: 'largest accepted command payload' },
  nodeHttpPort: {
    env: 'TB_NODE_HTTP_PORT',
    default: '0',
    doc: 'actor node /healthz, /readyz and /metrics port (0 = any free port, -1 = off)',
  },
  nodeId: { env: 'TB_NODE_ID', default: '', doc: 'actor node id (default: host-pid-random)' },
  // --- all-in-one launcher (npm start) ---
  actorNodes: { env: 'TB_ACTOR_NODES', default: '2', doc: 'actor node processes started by npm start' },
  gateways: { env: 'TB_GATEWAYS', default: '1', doc: 'gateway processes started by npm start' },
  dataDir: { env: 'TB_DATA_DIR', default: '.data', doc: 'where npm start keeps private NATS / PostgreSQL when none answer' },
  // --- gateway ---
  httpHost: { env: 'TB_HTTP_HOST', default: '127.0.0.1', doc: 'gateway listen address' },
  httpPort: { env: 'TB_HTTP_PORT', default: '8080', doc: 'gateway listen port' },
  httpMaxInFlight: {
    env: 'TB_HTTP_MAX_IN_FLIGHT',
    default: '2000',
    doc: 'most HTTP requests one gateway handles at once; beyond it a request gets 503 HTTP_OVERLOADED with Retry-After at once instead of queueing until clients time out and retry (0 = no limit)',
  },
  httpBodyLimitBytes: { env: 'TB_HTTP_BODY_LIMIT_BYTES', default: '1048576', doc: 'largest accepted HTTP request body; larger bodies get 413 and the connection is closed' },
  httpCorsOrigins: { env: 'TB_HTTP_CORS_ORIGINS', default: '', doc: 'comma-separated origins allowed by CORS (* = any; empty = no cross-origin access)' },
  httpTrustProxy: { env: 'TB_HTTP_TRUST_PROXY', default: '0', doc: '1 = take the client IP from the last X-Forwarded-For entry (only behind a proxy that sets it)' },
  httpShutdownGraceMs: { env: 'TB_HTTP_SHUTDOWN_GRACE_MS', default: '10000', doc: 'on shutdown, how long the gateway waits for in-flight requests' },
  // --- gateway: admin listener and sign-in throttle (issue 10) ---
  adminHost: { env: 'TB_ADMIN_HOST', default: '127.0.0.1', doc: 'gateway admin listener address (/metrics, /internal/ws/stats, unlimited /healthz and /readyz); keep it private' },
  adminPort: { env: 'TB_ADMIN_PORT', default: '9180', doc: 'gateway admin listener port (0 = any free port, -1 = off); several gateways on one host share it (SO_REUSEPORT), so give each its own port to scrape each' },
  loginMaxFailures: { env: 'TB_LOGIN_MAX_FAILURES', default: '5', doc: 'sign-in attempts one account may fail before it is locked for a while, counted across gateways in NATS KV (0 = no per-account throttle)' },
  loginLockSec: { env: 'TB_LOGIN_LOCK_SEC', default: '60', doc: 'first lock of an account after too many failed sign-ins (seconds); each further lock doubles it, up to TB_LOGIN_LOCK_MAX_SEC' },
  loginLockMaxSec: { env: 'TB_LOGIN_LOCK_MAX_SEC', default: '900', doc: 'longest lock of an account (seconds); failures older than this are forgotten, and a successful sign-in forgets them all' },
  rateLimitIpPerSec: { env: 'TB_RATE_LIMIT_IP_PER_SEC', default: '50', doc: 'steady requests per second allowed per client IP (0 = no limit)' },
  rateLimitIpBurst: { env: 'TB_RATE_LIMIT_IP_BURST', default: '100', doc: 'requests a client IP may burst above its steady rate' },
  rateLimitUserPerSec: { env: 'TB_RATE_LIMIT_USER_PER_SEC', default: '20', doc: 'steady requests per second allowed per authenticated user (0 = no limit)' },
  rateLimitUserBurst: { env: 'TB_RATE_LIMIT_USER_BURST', default: '40', doc: 'requests an authenticated user may burst above its steady rate' },
  rateLimitAuthIpPerMin: { env: 'TB_RATE_LIMIT_AUTH_IP_PER_MIN', default: '30', doc: 'steady requests per minute per client IP on /api/v1/auth/* and POST /api/v1/me/password (0 = no extra limit)' },
  rateLimitAuthIpBurst: { env: 'TB_RATE_LIMIT_AUTH_IP_BURST', default: '10', doc: 'requests a client IP may burst on the credential routes above their steady rate' },
  wsCorrectionMs: { env: 'TB_WS_CORRECTION_MS', default: '10000', doc: 'queue WebSocket: every socket gets its exact status this often (staggered per socket)' },
  wsCursorIntervalMs: { env: 'TB_WS_CURSOR_INTERVAL_MS', default: '500', doc: 'queue WebSocket: at most one "now serving" cursor frame per event per this many ms (coalescing; 0 = one per admission)' },
  wsBackpressureBytes: { env: 'TB_WS_BACKPRESSURE_BYTES', default: '65536', doc: 'queue WebSocket: above this many buffered bytes a socket gets no stale frames until it drains (admitted frames wait, never dropped)' },
  wsIdleTimeoutSec: { env: 'TB_WS_IDLE_TIMEOUT_SEC', default: '60', doc: 'queue WebSocket: close a socket silent this long (pings are sent before)' },
  wsMaxInFlight: { env: 'TB_WS_MAX_IN_FLIGHT', default: '512', doc: 'queue WebSocket: most status reads in flight per gateway for corrections, a batch counting once (extra ones wait for the next period)' },
  wsUpgradeIpPerSec: { env: 'TB_WS_UPGRADE_IP_PER_SEC', default: '10', doc: 'queue WebSocket: steady upgrades per second allowed per client IP, per gateway (0 = no limit); refused with 429 HTTP_RATE_LIMITED' },
  wsUpgradeIpBurst: { env: 'TB_WS_UPGRADE_IP_BURST', default: '50', doc: 'queue WebSocket: upgrades a client IP may burst above its steady rate' },
  wsMaxSocketsPerUser: { env: 'TB_WS_MAX_SOCKETS_PER_USER', default: '5', doc: 'queue WebSocket: most open sockets per user per event on one gateway (0 = no limit); refused with 429 WS_TOO_MANY_SOCKETS' },
  rateLimitMaxKeys: { env: 'TB_RATE_LIMIT_MAX_KEYS', default: '100000', doc: 'most rate-limit buckets kept in memory per scope (least recently used are evicted)' },
  // --- catalog projector (catalog/projector-main.ts) ---
  catalogBatchSize: { env: 'TB_CATALOG_BATCH_SIZE', default: '256', doc: 'most TB_EVENTS messages the catalog projector applies per database transaction' },
  catalogRetryDelayMs: { env: 'TB_CATALOG_RETRY_DELAY_MS', default: '2000', doc: 'after a database failure, how long before the catalog projector gets the message again' },
  catalogHttpPort: { env: 'TB_CATALOG_HTTP_PORT', default: '0', doc: 'catalog projector /healthz and /metrics port (0 = any free port, -1 = off)' },
  // --- accounts (users, login, tokens) ---
  jwtSecret: {
    env: 'TB_JWT_SECRET',
    default: 'dev-only-insecure-jwt-secret-change-me-0123456789',
    doc: 'HS256 key for access tokens and email-verification links (32+ bytes); the default is for development only and is logged as a warning',
  },
  accessTtlSec: { env: 'TB_ACCESS_TTL_SEC', default: '900', doc: 'lifetime of an access token (seconds)' },
  refreshTtlSec: { env: 'TB_REFRESH_TTL_SEC', default: '2592000', doc: 'lifetime of a refresh token (seconds, default 30 days)' },
  emailVerificationTtlSec: { env: 'TB_EMAIL_VERIFICATION_TTL_SEC', default: '86400', doc: 'lifetime of an email-verification link (seconds)' },
  accessUserCacheMs: {
    env: 'TB_ACCESS_USER_CACHE_MS',
    default: '5000',
    doc: 'how long the gateway trusts a verified user\'s liveness and roles before asking PostgreSQL again (0 = every request); a deletion or role change reaches other gateways within this',
  },
  publicBaseUrl: { env: 'TB_PUBLIC_BASE_URL', default: 'http://127.0.0.1:8080', doc: 'the URL users reach the gateway at (used in emailed links)' },
  // --- waitroom (queue/) ---
  checkoutSecret: {
    env: 'TB_CHECKOUT_SECRET',
    default: 'dev-only-insecure-checkout-secret-change-me-0123456789',
    doc: 'HS256 key of waitroom checkout tokens (32+ bytes), shared by the gateways and the order flow; the default is for development only',
  },
  queueSeedSecret: {
    env: 'TB_QUEUE_SEED_SECRET',
    default: 'dev-only-insecure-queue-seed-secret-change-me-0123456789',
    doc: 'key of HMAC(secret, eventId) = the pre-queue shuffle seed (its SHA-256 is published at queue creation, the seed at sale open)',
  },
  queueClaimGraceMs: { env: 'TB_QUEUE_CLAIM_GRACE_MS', default: '30000', doc: 'how long a called waitroom position may go unclaimed before it is skipped' },
  queueCheckoutTtlMs: { env: 'TB_QUEUE_CHECKOUT_TTL_MS', default: '900000', doc: 'how long an admitted user holds a checkout slot (and the checkout token lives)' },
  // --- payments (payments/providers): secrets empty = that provider reports itself unconfigured ---
  zalopayAppId: { env: 'TB_ZALOPAY_APP_ID', default: '', doc: 'ZaloPay app_id (empty = ZaloPay unconfigured)' },
  zalopayKey1: { env: 'TB_ZALOPAY_KEY1', default: '', doc: 'ZaloPay key1: signs create-order requests (secret)' },
  zalopayKey2: { env: 'TB_ZALOPAY_KEY2', default: '', doc: 'ZaloPay key2: verifies callbacks (secret)' },
  zalopayEndpoint: { env: 'TB_ZALOPAY_ENDPOINT', default: 'https://sb-openapi.zalopay.vn/v2/create', doc: 'ZaloPay create-order URL (production: https://openapi.zalopay.vn/v2/create)' },
  payosClientId: { env: 'TB_PAYOS_CLIENT_ID', default: '', doc: 'PayOS x-client-id (empty = PayOS unconfigured)' },
  payosApiKey: { env: 'TB_PAYOS_API_KEY', default: '', doc: 'PayOS x-api-key (secret)' },
  payosChecksumKey: { env: 'TB_PAYOS_CHECKSUM_KEY', default: '', doc: 'PayOS checksum key: signs payment requests, verifies webhooks (secret)' },
  payosBaseUrl: { env: 'TB_PAYOS_BASE_URL', default: 'https://api-merchant.payos.vn', doc: 'PayOS merchant API base URL' },
  vnpayTmnCode: { env: 'TB_VNPAY_TMN_CODE', default: '', doc: 'VNPay vnp_TmnCode (empty = VNPay unconfigured)' },
  vnpayHashSecret: { env: 'TB_VNPAY_HASH_SECRET', default: '', doc: 'VNPay vnp_HashSecret: signs payment URLs, verifies IPN / return URLs (secret)' },
  vnpayPayUrl: { env: 'TB_VNPAY_PAY_URL', default: 'https://sandbox.vnpayment.vn/paymentv2/vpcpay.html', doc: 'VNPay payment page (production: https://pay.vnpay.vn/vpcpay.html)' },
  sandboxPaymentSecret: {
    env: 'TB_SANDBOX_PAYMENT_SECRET',
    default: 'dev-only-insecure-sandbox-payment-secret-change-me-0123456789',
    doc: 'HMAC-SHA256 key of the local sandbox provider\'s signed callbacks; the default is for development and load tests only',
  },
  // --- payment outbox relay (payments/relay-main.ts) ---
  paymentRelayBatchSize: { env: 'TB_PAYMENT_RELAY_BATCH_SIZE', default: '100', doc: 'most payment outbox rows the relay claims and publishes per transaction' },
  paymentRelayPollMs: { env: 'TB_PAYMENT_RELAY_POLL_MS', default: '1000', doc: 'payment relay poll period (a NOTIFY on insert wakes it at once; polling is the fallback and picks up retries)' },
  paymentRelayBackoffMaxMs: { env: 'TB_PAYMENT_RELAY_BACKOFF_MAX_MS', default: '30000', doc: 'longest delay between two publish attempts of one outbox row (lowered to a quarter of the TB_EVENTS duplicate window)' },
  paymentRelayHttpPort: { env: 'TB_PAYMENT_RELAY_HTTP_PORT', default: '0', doc: 'payment relay /healthz and /metrics port (0 = any free port, -1 = off)' },
  // --- payment webhooks and the sandbox payment page (gateway) ---
  sandboxCallbackUrl: { env: 'TB_SANDBOX_CALLBACK_URL', default: '', doc: 'where the sandbox payment page sends its signed callbacks (empty = TB_PUBLIC_BASE_URL + /api/v1/payments/sandbox/callback, the gateway itself)' },
  sandboxPayEnabled: { env: 'TB_SANDBOX_PAY_ENABLED', default: '1', doc: '1 = serve the sandbox payment page and API (development, load tests); 0 = off. In production mode they exist only with TB_SANDBOX_STAGING=1' },
  sandboxMaxDelayMs: { env: 'TB_SANDBOX_MAX_DELAY_MS', default: '60000', doc: 'longest delay a sandbox payment may ask for before its callback is sent' },
  // --- order consumers (orders/payment-events-main.ts, orders/history-main.ts) ---
  paymentEventsHttpPort: { env: 'TB_PAYMENT_EVENTS_HTTP_PORT', default: '0', doc: 'payment-events consumer /healthz and /metrics port (0 = any free port, -1 = off)' },
  paymentEventsRetryDelayMs: { env: 'TB_PAYMENT_EVENTS_RETRY_DELAY_MS', default: '1000', doc: 'after a retryable failure (order actor or database), how long before the payment event comes back' },
  orderHistoryBatchSize: { env: 'TB_ORDER_HISTORY_BATCH_SIZE', default: '256', doc: 'most order events the history projector applies per transaction' },
  orderHistoryRetryDelayMs: { env: 'TB_ORDER_HISTORY_RETRY_DELAY_MS', default: '2000', doc: 'after a store failure, how long before the history projector gets the events again' },
  orderHistoryHttpPort: { env: 'TB_ORDER_HISTORY_HTTP_PORT', default: '0', doc: 'order-history projector /healthz and /metrics port (0 = any free port, -1 = off)' },
  mongodbUrl: { env: 'MONGODB_URL', default: '', doc: 'when set, the order history lives in this MongoDB instead of PostgreSQL' },
  // --- order saga (orders/service.ts, orders/saga-worker.ts) ---
  orderPaymentTtlMs: { env: 'TB_ORDER_PAYMENT_TTL_MS', default: '900000', doc: 'payment deadline of a new order: past it the holds are released and the order CANCELLED (checkout.expired)' },
  orderStepTimeoutMs: { env: 'TB_ORDER_STEP_TIMEOUT_MS', default: '60000', doc: 'how long reserving and creating the payment may take before the order fails (timeout) and releases' },
  orderDefaultProvider: { env: 'TB_ORDER_DEFAULT_PROVIDER', default: 'sandbox', doc: 'payment provider of an order that names none (zalopay, payos, vnpay, sandbox); in production it must be a configured real provider (sandbox only with TB_SANDBOX_STAGING=1)' },
  orderSagaGraceMs: { env: 'TB_ORDER_SAGA_GRACE_MS', default: '2000', doc: 'how long the saga worker leaves an intent to the gateway that emitted it before performing it itself' },
  orderSagaStuckAfter: { env: 'TB_ORDER_SAGA_STUCK_AFTER', default: '5', doc: 'failed attempts of a release after which the saga worker raises order.compensationStuck (it keeps retrying)' },
  orderWorkerHttpPort: { env: 'TB_ORDER_WORKER_HTTP_PORT', default: '0', doc: 'saga worker /healthz, /readyz (stuck compensations) and /metrics port (0 = any free port, -1 = off)' },
  // --- refunds and notifications (payments/refunds, mailer/) ---
  vnpayApiUrl: { env: 'TB_VNPAY_API_URL', default: 'https://sandbox.vnpayment.vn/merchant_webapi/api/transaction', doc: 'VNPay merchant web API (refund, querydr) (production: https://merchant.vnpay.vn/merchant_webapi/api/transaction)' },
  sandboxRefundUrl: { env: 'TB_SANDBOX_REFUND_URL', default: '', doc: 'the sandbox provider\'s refund desk (empty = TB_PUBLIC_BASE_URL + /api/v1/payments/sandbox/refunds, the gateway itself)' },
  refundRetryDelayMs: { env: 'TB_REFUND_RETRY_DELAY_MS', default: '2000', doc: 'after a provider did not answer or is still processing a refund, how long before it is asked again' },
  smtpUrl: { env: 'TB_SMTP_URL', default: '', doc: 'SMTP server for outgoing mail (smtp://user:pass@host:587, smtps://…); empty = mails are written to the log (development)' },
  mailFrom: { env: 'TB_MAIL_FROM', default: 'TicketBottle <no-reply@ticketbottle.local>', doc: 'the From address of every mail' },
  // --- tickets and check-in (docs/tickets.md) ---
  ticketSigningKey: {
    env: 'TB_TICKET_SIGNING_KEY',
    default: '',
    doc: 'Ed25519 private key that signs ticket codes (PKCS#8 PEM, or base64 of its DER); empty = a fixed development key (never in production: anyone can read it here)',
  },
  ticketRotationSecret: {
    env: 'TB_TICKET_ROTATION_SECRET',
    default: 'dev-ticket-rotation-secret-change-me-0123456789',
    doc: 'secret from which every ticket\'s rotating-code secret is derived (per event, then per ticket); set it in production',
  },
  ticketCodeWindowSteps: { env: 'TB_TICKET_CODE_WINDOW_STEPS', default: '1', doc: 'how many periods old a rotating code may be and still open the door (1 = the current and the previous code)' },
  checkinBuckets: { env: 'TB_CHECKIN_BUCKETS', default: '64', doc: 'check-in actors per event (ticket ids hashed into buckets); fixed for the life of an event' },
  ticketsBatchSize: { env: 'TB_TICKETS_BATCH_SIZE', default: '256', doc: 'most order/check-in events the tickets process applies per batch' },
  ticketsRetryDelayMs: { env: 'TB_TICKETS_RETRY_DELAY_MS', default: '1000', doc: 'after a database or actor failure, how long before the tickets process gets the events again' },
  ticketsHttpPort: { env: 'TB_TICKETS_HTTP_PORT', default: '0', doc: 'tickets process /healthz and /metrics port (0 = any free port, -1 = off)' },
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;

/** The resolved configuration. Numbers are parsed; strings stay strings. */
export interface Config {
  natsUrl: string;
  databaseUrl: string;
  logLevel: string;
  /** `production` when TB_ENV or NODE_ENV says so, else TB_ENV as given. */
  deployEnv: string;
  natsUser: string;
  natsPassword: string;
  sandboxStaging: number;
  partitions: number;
  kvReplicas: number;
  eventsFormat: string;
  heartbeatMs: number;
  memberTimeoutMs: number;
  leaseTtlMs: number;
  leaseRenewMs: number;
  passivateAfterMs: number;
  maxActivations: number;
  dedupeWindowMs: number;
  actorLingerMs: number;
  actorFlushMs: number;
  maxCommandBytes: number;
  nodeHttpPort: number;
  nodeId: string;
  actorNodes: number;
  gateways: number;
  dataDir: string;
  httpHost: string;
  httpPort: number;
  httpMaxInFlight: number;
  httpBodyLimitBytes: number;
  httpCorsOrigins: string;
  httpTrustProxy: number;
  httpShutdownGraceMs: number;
  adminHost: string;
  adminPort: number;
  loginMaxFailures: number;
  loginLockSec: number;
  loginLockMaxSec: number;
  rateLimitIpPerSec: number;
  rateLimitIpBurst: number;
  rateLimitUserPerSec: number;
  rateLimitUserBurst: number;
  rateLimitAuthIpPerMin: number;
  rateLimitAuthIpBurst: number;
  rateLimitMaxKeys: number;
  wsCorrectionMs: number;
  wsCursorIntervalMs: number;
  wsBackpressureBytes: number;
  wsIdleTimeoutSec: number;
  wsMaxInFlight: number;
  wsUpgradeIpPerSec: number;
  wsUpgradeIpBurst: number;
  wsMaxSocketsPerUser: number;
  jwtSecret: string;
  accessTtlSec: number;
  refreshTtlSec: number;
  emailVerificationTtlSec: number;
  accessUserCacheMs: number;
  publicBaseUrl: string;
  checkoutSecret: string;
  queueSeedSecret: string;
  queueClaimGraceMs: number;
  queueCheckoutTtlMs: number;
  catalogBatchSize: number;
  catalogRetryDelayMs: number;
  catalogHttpPort: number;
  zalopayAppId: string;
  zalopayKey1: string;
  zalopayKey2: string;
  zalopayEndpoint: string;
  payosClientId: string;
  payosApiKey: string;
  payosChecksumKey: string;
  payosBaseUrl: string;
  vnpayTmnCode: string;
  vnpayHashSecret: string;
  vnpayPayUrl: string;
  sandboxPaymentSecret: string;
  paymentRelayBatchSize: number;
  paymentRelayPollMs: number;
  paymentRelayBackoffMaxMs: number;
  paymentRelayHttpPort: number;
  sandboxCallbackUrl: string;
  sandboxPayEnabled: number;
  sandboxMaxDelayMs: number;
  paymentEventsHttpPort: number;
  paymentEventsRetryDelayMs: number;
  orderHistoryBatchSize: number;
  orderHistoryRetryDelayMs: number;
  orderHistoryHttpPort: number;
  mongodbUrl: string;
  orderPaymentTtlMs: number;
  orderStepTimeoutMs: number;
  orderDefaultProvider: string;
  orderSagaGraceMs: number;
  orderSagaStuckAfter: number;
  orderWorkerHttpPort: number;
  vnpayApiUrl: string;
  sandboxRefundUrl: string;
  refundRetryDelayMs: number;
  smtpUrl: string;
  mailFrom: string;
  ticketSigningKey: string;
  ticketRotationSecret: string;
  ticketCodeWindowSteps: number;
  checkinBuckets: number;
  ticketsBatchSize: number;
  ticketsRetryDelayMs: number;
  ticketsHttpPort: number;
}

const NUMERIC = new Set<SettingName>([
  'sandboxStaging',
  'accessUserCacheMs',
  'partitions', 'kvReplicas', 'heartbeatMs', 'memberTimeoutMs', 'leaseTtlMs', 'leaseRenewMs',
  'passivateAfterMs', 'maxActivations', 'dedupeWindowMs', 'actorLingerMs', 'actorFlushMs', 'maxCommandBytes', 'nodeHttpPort',
  'actorNodes', 'gateways', 'httpPort', 'accessTtlSec', 'refreshTtlSec', 'emailVerificationTtlSec',
  'httpMaxInFlight', 'httpBodyLimitBytes', 'httpTrustProxy', 'httpShutdownGraceMs',
  'rateLimitIpPerSec', 'rateLimitIpBurst', 'rateLimitUserPerSec', 'rateLimitUserBurst', 'rateLimitMaxKeys',
  'rateLimitAuthIpPerMin', 'rateLimitAuthIpBurst',
  'adminPort', 'loginMaxFailures', 'loginLockSec', 'loginLockMaxSec',
  'queueClaimGraceMs', 'queueCheckoutTtlMs',
  'wsCorrectionMs', 'wsCursorIntervalMs', 'wsBackpressureBytes', 'wsIdleTimeoutSec', 'wsMaxInFlight',
  'wsUpgradeIpPerSec', 'wsUpgradeIpBurst', 'wsMaxSocketsPerUser',
  'paymentRelayBatchSize', 'paymentRelayPollMs', 'paymentRelayBackoffMaxMs', 'paymentRelayHttpPort',
  'sandboxPayEnabled', 'sandboxMaxDelayMs', 'paymentEventsHttpPort', 'paymentEventsRetryDelayMs',
  'orderHistoryBatchSize', 'orderHistoryRetryDelayMs', 'orderHistoryHttpPort',
  'orderPaymentTtlMs', 'orderStepTimeoutMs', 'orderSagaGraceMs', 'orderSagaStuckAfter', 'orderWorkerHttpPort',
  'refundRetryDelayMs',
  'ticketCodeWindowSteps', 'checkinBuckets', 'ticketsBatchSize', 'ticketsRetryDelayMs', 'ticketsHttpPort',
]);

/**
 * Resolve every setting from `env` (default `process.env`), falling back to its default.
 * Throws a plain `Error` naming the variable when a numeric setting is not an integer: a
 * misconfigured process must refuse to start rather than run with a surprise.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const out: Record<string, string | number> = {};
  for (const [name, s] of Object.entries(SETTINGS) as [SettingName, Setting][]) {
    const raw = env[s.env] ?? s.default;
    if (NUMERIC.has(name)) {
      const n = Number(raw);
      if (!Number.isInteger(n)) throw new Error(`${s.env} must be an integer, got ${JSON.stringify(raw)}`);
      out[name] = n;
    } else {
      out[name] = raw;
    }
  }
  // NODE_ENV=production (the Docker image sets it) implies production mode, whatever TB_ENV says.
  if (env['NODE_ENV'] === 'production') out['deployEnv'] = 'production';
  return { ...(out as unknown as Config), ...overrides };
}

export { MIN_SECRET_BYTES, isProduction, natsConnectOptions, natsCredentialsOf, productionProblems, refuseUnsafeStart, sandboxAvailable, splitNatsUrl } from './production.js';
