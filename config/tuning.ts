/**
 * @module config/tuning
 * Values that were settings and are now constants: nobody operating TicketBottle needs to turn
 * them, and each was measured or decided once (the reason stands next to it). They are still
 * fields of `Config`, so one process's tests can override them in-process
 * (`loadConfig(env, { heartbeatMs: 250 })`); tests that spawn processes pass the same overrides
 * as JSON in `TB_TUNING` (validated: unknown names and wrong types are refused).
 * Not for production: a deployment changes settings (`config/index.ts`), not these.
 */
export const TUNING = {
  // --- actor runtime ---
  /**
   * A node unseen 4 s is dead: above the worst GC / event-loop pause measured on a loaded node
   * (1-2 s on a shared two-core machine, tools/rehearse runs with 8 s through TB_TUNING), short
   * enough that a crashed node's partitions move within seconds.
   */
  memberTimeoutMs: 4_000,
  /** A partition lease not renewed for 4 s may be taken over: the member timeout, so a node loses its leases when it is declared dead. */
  leaseTtlMs: 4_000,
  /**
   * Body of the domain events the actor nodes publish on tb.evt.>: msgpack (smaller and cheaper to
   * encode). Consumers read json too (content-type header), which is readable with `nats sub`: a
   * debugging aid, not a deployment choice (test/actors/event-format.test.ts covers both).
   */
  eventsFormat: 'msgpack' as 'msgpack' | 'json',
  /** Membership heartbeat: a quarter of the member timeout (4 s), so three beats may be lost before a node is declared dead. */
  heartbeatMs: 1_000,
  /** Lease renewal: a quarter of the lease TTL (4 s), the same margin as the heartbeat. */
  leaseRenewMs: 1_000,
  /** An idle actor leaves memory after 2 min: a waitroom or class between sale bursts stays warm; waking it again costs one KV read. */
  passivateAfterMs: 120_000,
  /** Idle actors beyond 100,000 are passivated early: a bound on a node's heap (decided, not measured per actor). */
  maxActivations: 100_000,
  /** A command id's answer is remembered 10 min: far longer than any caller retries one command (the reply log keeps busy actors' overflow as long). */
  dedupeWindowMs: 600_000,
  /** After a large state entry (over 16 KiB) its next batch gathers 10 ms per 16 KiB (at most 100 ms), so a busy big actor writes about ten times a second rather than hundreds (0 = never wait). */
  actorLingerMs: 10,
  /** Acknowledged events and logged replies may sit 5 s in an idle actor's entry before a write of its own removes them. */
  actorFlushMs: 5_000,
  /** Largest command payload, 64 KiB: commands are small; the bound stops a hostile one. */
  maxCommandBytes: 65_536,
  // --- gateway ---
  /** Most requests in flight per gateway: beyond it a request gets 503 HTTP_OVERLOADED with Retry-After at once instead of queueing until clients time out and retry. */
  httpMaxInFlight: 2_000,
  /** Largest request body, 1 MiB (larger gets 413 and the connection is closed): no route takes more than a few KiB. */
  httpBodyLimitBytes: 1_048_576,
  /** On shutdown, in-flight requests get 10 s: the launcher allows children 15 s before SIGKILL. */
  httpShutdownGraceMs: 10_000,
  /** Burst above the steady per-IP rate (2× the default 50/s). */
  rateLimitIpBurst: 100,
  /** Burst above the steady per-user rate (2× the default 20/s). */
  rateLimitUserBurst: 40,
  /** Burst on the credential routes: 10 tries at once, then the per-minute rate. */
  rateLimitAuthIpBurst: 10,
  /** Rate-limit buckets kept per scope (least recently used are evicted): bounds a gateway's memory under an IP-spraying crowd. */
  rateLimitMaxKeys: 100_000,
  /** Sign-in failures before an account is locked (decided with issue 10), counted across gateways in NATS KV. */
  loginMaxFailures: 5,
  /** First lock 60 s, doubling per further lock. */
  loginLockSec: 60,
  /** Longest lock 15 min; older failures are forgotten. */
  loginLockMaxSec: 900,
  /** Access tokens live 15 min: a deleted user or changed role is honoured within that, refresh tokens cover the rest. */
  accessTtlSec: 900,
  /** Refresh tokens live 30 days. */
  refreshTtlSec: 2_592_000,
  /** An email-verification link lives 24 h. */
  emailVerificationTtlSec: 86_400,
  /** A gateway trusts a verified user's liveness and roles 5 s before asking PostgreSQL again (one query per user per 5 s under load). */
  accessUserCacheMs: 5_000,
  // --- waitroom WebSocket (docs/websocket.md) ---
  /** Every socket gets its exact status every 10 s (staggered): 100,000 sockets = 10,000 reads/s across gateways. */
  wsCorrectionMs: 10_000,
  /** At most 2 "now serving" frames per second per event (coalesced): enough for a progress bar. */
  wsCursorIntervalMs: 500,
  /** Above 64 KiB buffered, a socket gets no stale frames until it drains (admitted frames always go). */
  wsBackpressureBytes: 65_536,
  /** A silent socket is closed after 60 s (pings go out before). */
  wsIdleTimeoutSec: 60,
  /** Status reads in flight per gateway for corrections. */
  wsMaxInFlight: 512,
  /** WebSocket upgrades a client IP may burst above its steady rate. */
  wsUpgradeIpBurst: 50,
  /** Open queue sockets per user per event per gateway: 5 tabs. */
  wsMaxSocketsPerUser: 5,
  // --- waitroom and orders (business rules decided with the design, docs/waitroom.md, docs/orders-design.md) ---
  /** A called position may go unclaimed 30 s before it is skipped. */
  queueClaimGraceMs: 30_000,
  /** An admitted buyer holds a checkout slot 15 min (the checkout token lives as long). */
  queueCheckoutTtlMs: 900_000,
  /** An order must be paid within 15 min (past it the holds are released and the order is CANCELLED), as long as the checkout slot. */
  orderPaymentTtlMs: 900_000,
  /** Reserving and creating the payment may take 60 s before the order fails and releases. */
  orderStepTimeoutMs: 60_000,
  /** The saga worker leaves an intent 2 s to the gateway that emitted it before performing it itself. */
  orderSagaGraceMs: 2_000,
  /** A release failing 5 times raises order.compensationStuck (it keeps retrying). */
  orderSagaStuckAfter: 5,
  // --- consumers (durable JetStream consumers and the payment outbox) ---
  /** Catalog projector: events applied per database transaction. */
  catalogBatchSize: 256,
  /** Catalog projector: after a database failure, the message comes back after 2 s. */
  catalogRetryDelayMs: 2_000,
  /** Payment relay: outbox rows per transaction. */
  paymentRelayBatchSize: 100,
  /** Payment relay poll period: a NOTIFY wakes it at once; polling only picks up retries. */
  paymentRelayPollMs: 1_000,
  /** Payment relay: longest delay between two publishes of one row (lowered to a quarter of the TB_EVENTS duplicate window at start). */
  paymentRelayBackoffMaxMs: 30_000,
  /** Payment events: after a retryable failure the event comes back after 1 s. */
  paymentEventsRetryDelayMs: 1_000,
  /** Order history: events applied per transaction. */
  orderHistoryBatchSize: 256,
  /** Order history: after a store failure the events come back after 2 s. */
  orderHistoryRetryDelayMs: 2_000,
  /** Refunds: a provider that did not answer or is still processing is asked again after 2 s. */
  refundRetryDelayMs: 2_000,
  /** Tickets: order/check-in events applied per batch. */
  ticketsBatchSize: 256,
  /** Tickets: after a database or actor failure the events come back after 1 s. */
  ticketsRetryDelayMs: 1_000,
  // --- tickets ---
  /** A rotating code one period old still opens the door (scanner clocks drift; docs/tickets.md). */
  ticketCodeWindowSteps: 1,
  /**
   * Check-in actors per event (ticket ids hashed into them); fixed for the life of an event, so a
   * constant (docs/tickets.md). 16, not 64: a bucket persists by batch (journal), so its size no
   * longer costs a write, and fewer buckets batch more scans per write at a busy door
   * (`bench:checkin`: 8 scans a write against 2.7, 148 against 218 µs of CPU a scan).
   */
  checkinBuckets: 16,
  // --- the sandbox payment provider (development, staging, load tests) ---
  /** 1 = serve the sandbox pay page and API wherever the sandbox exists (`sandboxAvailable`). */
  sandboxPayEnabled: 1,
  /** Where the sandbox page sends its signed callbacks (empty = TB_PUBLIC_BASE_URL + the callback path). */
  sandboxCallbackUrl: '',
  /** The sandbox refund desk (empty = TB_PUBLIC_BASE_URL + the refund path). */
  sandboxRefundUrl: '',
  /** Longest delay a sandbox payment may ask for before its callback. */
  sandboxMaxDelayMs: 60_000,
  // --- launcher ---
  /** Where `npm start` keeps private NATS / PostgreSQL when none answer. */
  dataDir: '.data',
};

/** The tuning fields of `Config`. */
export type Tuning = { [K in keyof typeof TUNING]: (typeof TUNING)[K] extends number ? number : string };

/** Payment provider endpoints, by `TB_PAYMENT_ENDPOINTS`: the providers' test systems, or their live ones. */
export const PAYMENT_ENDPOINTS = {
  sandbox: {
    zalopayEndpoint: 'https://sb-openapi.zalopay.vn/v2/create',
    payosBaseUrl: 'https://api-merchant.payos.vn',
    vnpayPayUrl: 'https://sandbox.vnpayment.vn/paymentv2/vpcpay.html',
    vnpayApiUrl: 'https://sandbox.vnpayment.vn/merchant_webapi/api/transaction',
  },
  production: {
    zalopayEndpoint: 'https://openapi.zalopay.vn/v2/create',
    payosBaseUrl: 'https://api-merchant.payos.vn',
    vnpayPayUrl: 'https://pay.vnpay.vn/vpcpay.html',
    vnpayApiUrl: 'https://merchant.vnpay.vn/merchant_webapi/api/transaction',
  },
} as const;

export type PaymentEndpoints = { -readonly [K in keyof (typeof PAYMENT_ENDPOINTS)['sandbox']]: string };
