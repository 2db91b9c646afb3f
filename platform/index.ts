/**
 * @module platform
 * The plumbing every TicketBottle process shares, written once: the process lifecycle
 * (`runService`), the one log schema, NATS connect options, metrics helpers and the fixed admin
 * ports, retry with backoff (the `exponential-backoff` library), `sleep`, and the one durable
 * JetStream consumer loop. Nothing here knows a domain; every layer above may use it.
 */
// values
export { runService, migrateWithRetry, onSignals, waitForEvents } from './service.js';
export { createLogger, moduleLogger, LOG_FIELDS, LOG_REDACT } from './log.js';
export { connectNats, serviceConnectOptions, NATS_CONNECT_DEFAULTS } from './nats.js';
export { requestFailureOf } from './nats-errors.js';
export { createRegistry, scrapeGauge, LATENCY_BUCKETS } from './metrics.js';
export { serveAdmin } from './admin-http.js';
export { ADMIN_PORTS, INSTANCE_STRIDE, adminPortOf } from './ports.js';
export { retry, backoffDelay } from './retry.js';
export { sleep } from './sleep.js';
export { startDurableConsumer, ensureDurable, settle } from './durable-consumer.js';
// types
export type { ServiceContext, ServiceSpec, StartedService, RunningService } from './service.js';
export type { Sample } from './metrics.js';
export type { AdminHttp, AdminHttpOptions } from './admin-http.js';
export type { ServiceKind } from './ports.js';
export type { RetryOptions } from './retry.js';
export type { DurableConsumer, DurableConsumerOptions } from './durable-consumer.js';
