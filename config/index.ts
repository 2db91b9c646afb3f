/**
 * @module config
 * Every setting of every TicketBottle process, in one TypeBox schema: its environment variable,
 * default, meaning and bounds live together in `SettingsSchema`, and `Static<>` of it is the type.
 * Values nobody operating the platform needs to turn are constants with their reasons
 * (`config/tuning.ts`); they are `Config` fields too, so tests can override them.
 * Pure: `loadConfig(env)` reads only the object it is given. The README's settings table is
 * generated from the schema (`npx tsx tools/settings-table.ts`; a unit test keeps them in step).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { PAYMENT_ENDPOINTS, TUNING, type PaymentEndpoints, type Tuning } from './tuning.js';

/** A setting's schema: its environment variable and meaning ride along as schema keywords. */
function str(env: string, def: string, doc: string, extra: Record<string, unknown> = {}) {
  return Type.String({ env, default: def, description: doc, ...extra });
}
function int(env: string, def: number, doc: string, bounds: { minimum?: number; maximum?: number } = {}) {
  return Type.Integer({ env, default: def, description: doc, ...bounds });
}
function flag(env: string, doc: string) {
  return Type.Union([Type.Literal(0), Type.Literal(1)], { env, default: 0, description: doc });
}

/** The settings, grouped by who reads them. Keys are the config field names. */
export const SettingsSchema = Type.Object({
  // --- shared ---
  natsUrl: str(
    'TB_NATS_URL',
    'nats://127.0.0.1:4222',
    'NATS server(s), comma separated (`nats://user:pass@host:4222` carries credentials)',
  ),
  natsUser: str(
    'TB_NATS_USER',
    '',
    'NATS user this process connects as (nats.conf users: actor, gateway, saga, payments, history, relay, catalog, watcher, tickets, operator; empty = no credentials, the plain development server)',
  ),
  natsPassword: str('TB_NATS_PASSWORD', '', 'password of TB_NATS_USER (secret; 32+ bytes in production)'),
  databaseUrl: str(
    'TB_DATABASE_URL',
    'postgres://postgres@127.0.0.1:5432/ticketbottle',
    'PostgreSQL connection string (the database is created if missing)',
  ),
  mongodbUrl: str(
    'TB_MONGODB_URL',
    '',
    'when set, the order history lives in this MongoDB instead of PostgreSQL (the old name MONGODB_URL is still read, with a warning)',
    { deprecatedEnv: 'MONGODB_URL' },
  ),
  logLevel: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { env: 'TB_LOG_LEVEL', default: 'info', description: 'pino level: fatal, error, warn, info, debug, trace, silent' },
  ),
  // --- deployment safety (config/production.ts, README "Deploying safely") ---
  deployEnv: str(
    'TB_ENV',
    'development',
    'production = every process refuses to start while a secret is a default or shorter than 32 bytes, and the sandbox provider does not exist (NODE_ENV=production implies it)',
  ),
  sandboxStaging: flag(
    'TB_SANDBOX_STAGING',
    '1 = keep the sandbox provider (orders, signed callback route, pay page and API) in production mode, for a staging deployment that must never take real money; 0 = in production the sandbox does not exist',
  ),
  // --- process identity and the admin (health and metrics) listener: README "Ports" ---
  instance: int(
    'TB_INSTANCE',
    0,
    "which of several processes of one kind on one host this is (0, 1, …; `npm start` sets it): the admin port is the kind's base + 10 × this",
    { minimum: 0, maximum: 99 },
  ),
  adminHost: str(
    'TB_ADMIN_HOST',
    '127.0.0.1',
    "address of every process's admin listener (/healthz, /readyz, /metrics; the gateway's also /internal/ws/stats); keep it private",
  ),
  adminPort: Type.Optional(
    Type.Integer({
      env: 'TB_ADMIN_PORT',
      default: '',
      description:
        'admin listener port (empty = the fixed port of the process kind + 10 × TB_INSTANCE, README "Ports"; 0 = any free port; -1 = off)',
      minimum: -1,
      maximum: 65_535,
    }),
  ),
  // --- actor runtime ---
  partitions: int('TB_PARTITIONS', 64, 'number of partitions; fixed for the life of a cluster (every node and client must agree)', {
    minimum: 1,
    maximum: 4_096,
  }),
  kvReplicas: int('TB_KV_REPLICAS', 1, 'replicas of the runtime KV buckets and streams (3 on a cluster)', { minimum: 1, maximum: 5 }),
  nodeId: str('TB_NODE_ID', '', 'actor node id (default: host-pid-random)'),
  // --- all-in-one launcher (npm start) ---
  actorNodes: int('TB_ACTOR_NODES', 2, 'actor node processes started by npm start', { minimum: 1, maximum: 10 }),
  gateways: int('TB_GATEWAYS', 1, 'gateway processes started by npm start', { minimum: 1, maximum: 10 }),
  // --- gateway ---
  httpHost: str('TB_HTTP_HOST', '127.0.0.1', 'gateway listen address'),
  httpPort: int('TB_HTTP_PORT', 8_080, 'gateway listen port', { minimum: 0, maximum: 65_535 }),
  publicBaseUrl: str(
    'TB_PUBLIC_BASE_URL',
    'http://127.0.0.1:8080',
    'the URL users reach the gateway at (emailed links, payment return and callback URLs)',
  ),
  httpCorsOrigins: str('TB_HTTP_CORS_ORIGINS', '', 'comma-separated origins allowed by CORS (* = any; empty = no cross-origin access)'),
  httpTrustProxy: flag(
    'TB_HTTP_TRUST_PROXY',
    '1 = take the client IP from the last X-Forwarded-For entry (only behind a proxy that sets it)',
  ),
  rateLimitIpPerSec: int('TB_RATE_LIMIT_IP_PER_SEC', 50, 'steady requests per second allowed per client IP (0 = no limit; burst 100)', {
    minimum: 0,
  }),
  rateLimitUserPerSec: int(
    'TB_RATE_LIMIT_USER_PER_SEC',
    20,
    'steady requests per second allowed per signed-in user (0 = no limit; burst 40)',
    { minimum: 0 },
  ),
  rateLimitAuthIpPerMin: int(
    'TB_RATE_LIMIT_AUTH_IP_PER_MIN',
    30,
    'steady requests per minute per client IP on /api/v1/auth/* and POST /api/v1/me/password (0 = no extra limit; burst 10)',
    { minimum: 0 },
  ),
  wsUpgradeIpPerSec: int(
    'TB_WS_UPGRADE_IP_PER_SEC',
    10,
    'queue WebSocket upgrades per second per client IP, per gateway (0 = no limit; burst 50); refused with 429 HTTP_RATE_LIMITED',
    { minimum: 0 },
  ),
  // --- secrets (32+ bytes in production; the defaults are for development only) ---
  jwtSecret: str(
    'TB_JWT_SECRET',
    'dev-only-insecure-jwt-secret-change-me-0123456789',
    'HS256 key for access tokens and email-verification links (32+ bytes); the default is for development only and is logged as a warning',
  ),
  checkoutSecret: str(
    'TB_CHECKOUT_SECRET',
    'dev-only-insecure-checkout-secret-change-me-0123456789',
    'HS256 key of waitroom checkout tokens (32+ bytes), shared by the gateways and the order flow',
  ),
  queueSeedSecret: str(
    'TB_QUEUE_SEED_SECRET',
    'dev-only-insecure-queue-seed-secret-change-me-0123456789',
    'key of HMAC(secret, eventId) = the pre-queue shuffle seed (its SHA-256 is published at queue creation, the seed at sale open)',
  ),
  ticketSigningKey: str(
    'TB_TICKET_SIGNING_KEY',
    '',
    'Ed25519 private key that signs ticket codes (PKCS#8 PEM, or base64 of its DER); empty = a fixed development key (never in production: anyone can read it here)',
  ),
  ticketRotationSecret: str(
    'TB_TICKET_ROTATION_SECRET',
    'dev-ticket-rotation-secret-change-me-0123456789',
    "secret from which every ticket's rotating-code secret is derived (per event, then per ticket)",
  ),
  sandboxPaymentSecret: str(
    'TB_SANDBOX_PAYMENT_SECRET',
    'dev-only-insecure-sandbox-payment-secret-change-me-0123456789',
    "HMAC-SHA256 key of the local sandbox provider's signed callbacks; the default is for development and load tests only",
  ),
  // --- payments (payments/providers): empty id = that provider reports itself unconfigured ---
  orderDefaultProvider: str(
    'TB_ORDER_DEFAULT_PROVIDER',
    'sandbox',
    'payment provider of an order that names none (zalopay, payos, vnpay, sandbox); in production it must be a configured real provider (sandbox only with TB_SANDBOX_STAGING=1)',
  ),
  paymentEndpoints: Type.Union([Type.Literal('sandbox'), Type.Literal('production')], {
    env: 'TB_PAYMENT_ENDPOINTS',
    default: 'sandbox',
    description:
      'which systems of ZaloPay, PayOS and VNPay to call: their test systems (sandbox) or their live ones (production); the URLs are in config/tuning.ts',
  }),
  zalopay: str(
    'TB_ZALOPAY',
    '',
    'ZaloPay credentials `<appId>:<key1>:<key2>` (key1 signs create-order requests, key2 verifies callbacks; secret); empty = ZaloPay unconfigured',
    { parts: ['appId', 'key1', 'key2'], deprecatedParts: ['TB_ZALOPAY_APP_ID', 'TB_ZALOPAY_KEY1', 'TB_ZALOPAY_KEY2'] },
  ),
  payos: str(
    'TB_PAYOS',
    '',
    'PayOS credentials `<clientId>:<apiKey>:<checksumKey>` (x-client-id, x-api-key, and the checksum key that signs payment requests and verifies webhooks; secret); empty = PayOS unconfigured',
    { parts: ['clientId', 'apiKey', 'checksumKey'], deprecatedParts: ['TB_PAYOS_CLIENT_ID', 'TB_PAYOS_API_KEY', 'TB_PAYOS_CHECKSUM_KEY'] },
  ),
  vnpay: str(
    'TB_VNPAY',
    '',
    'VNPay credentials `<tmnCode>:<hashSecret>` (vnp_TmnCode, and vnp_HashSecret that signs payment URLs and verifies IPN / return URLs; secret); empty = VNPay unconfigured',
    { parts: ['tmnCode', 'hashSecret'], deprecatedParts: ['TB_VNPAY_TMN_CODE', 'TB_VNPAY_HASH_SECRET'] },
  ),
  // --- mail (mailer/) ---
  smtpUrl: str(
    'TB_SMTP_URL',
    '',
    'SMTP server for outgoing mail (smtp://user:pass@host:587, smtps://…); empty = mails are written to the log (development)',
  ),
  mailFrom: str('TB_MAIL_FROM', 'TicketBottle <no-reply@ticketbottle.local>', 'the From address of every mail'),
  // --- tests and experiments only ---
  tuning: str(
    'TB_TUNING',
    '',
    'tests and experiments only: JSON object overriding constants of config/tuning.ts by name (e.g. {"orderSagaGraceMs":500}); unknown names or wrong types refuse to start',
  ),
});

/** The settings read from the environment. */
export type Settings = Static<typeof SettingsSchema>;
export type SettingName = keyof Settings;

/**
 * The payment provider credential settings: one value each, `<id>:<secret>[:<secret>]` like a DSN,
 * split by `loadConfig` into the `Config` fields the provider code reads (part name → field). The
 * first part names the merchant (empty setting = that provider is unconfigured); the last part
 * keeps any further colons.
 */
export const PROVIDER_CREDENTIALS = {
  zalopay: { appId: 'zalopayAppId', key1: 'zalopayKey1', key2: 'zalopayKey2' },
  payos: { clientId: 'payosClientId', apiKey: 'payosApiKey', checksumKey: 'payosChecksumKey' },
  vnpay: { tmnCode: 'vnpayTmnCode', hashSecret: 'vnpayHashSecret' },
} as const;
type CredentialSetting = keyof typeof PROVIDER_CREDENTIALS;
type CredentialField = {
  [P in CredentialSetting]: (typeof PROVIDER_CREDENTIALS)[P][keyof (typeof PROVIDER_CREDENTIALS)[P]];
}[CredentialSetting];
/** The provider credentials as separate fields (`zalopayAppId`, `zalopayKey1`, …). */
export type ProviderCredentials = Record<CredentialField, string>;

/** The resolved configuration: the settings (credentials split), the tuning constants and the payment endpoints they select. */
export type Config = Omit<Settings, 'tuning' | CredentialSetting> & ProviderCredentials & Tuning & PaymentEndpoints;

/** One setting as the README table and error messages show it. */
export interface Setting {
  readonly env: string;
  readonly default: string;
  readonly doc: string;
  readonly deprecatedEnv?: string;
}

type SettingSchema = TSchema & { env: string; default: unknown; description: string; deprecatedEnv?: string };
const schemaOf = (name: SettingName) => SettingsSchema.properties[name] as unknown as SettingSchema;

/** Every setting's environment variable, default and meaning, by field name (from the schema). */
export const SETTINGS = Object.fromEntries(
  Object.keys(SettingsSchema.properties).map((name) => {
    const s = schemaOf(name as SettingName);
    return [
      name,
      { env: s.env, default: String(s.default), doc: s.description, ...(s.deprecatedEnv ? { deprecatedEnv: s.deprecatedEnv } : {}) },
    ];
  }),
) as Record<SettingName, Setting>;

/**
 * Variables that were settings before the schema (issue 11) and are read no more: a process that
 * still gets one says so (the value is ignored), naming what replaced it.
 */
const RETIRED: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries({
      TB_HEARTBEAT_MS: 'heartbeatMs',
      TB_LEASE_RENEW_MS: 'leaseRenewMs',
      TB_PASSIVATE_AFTER_MS: 'passivateAfterMs',
      TB_MAX_ACTIVATIONS: 'maxActivations',
      TB_DEDUPE_WINDOW_MS: 'dedupeWindowMs',
      TB_ACTOR_LINGER_MS: 'actorLingerMs',
      TB_ACTOR_FLUSH_MS: 'actorFlushMs',
      TB_MAX_COMMAND_BYTES: 'maxCommandBytes',
      TB_DATA_DIR: 'dataDir',
      TB_HTTP_MAX_IN_FLIGHT: 'httpMaxInFlight',
      TB_HTTP_BODY_LIMIT_BYTES: 'httpBodyLimitBytes',
      TB_HTTP_SHUTDOWN_GRACE_MS: 'httpShutdownGraceMs',
      TB_LOGIN_MAX_FAILURES: 'loginMaxFailures',
      TB_LOGIN_LOCK_SEC: 'loginLockSec',
      TB_LOGIN_LOCK_MAX_SEC: 'loginLockMaxSec',
      TB_RATE_LIMIT_IP_BURST: 'rateLimitIpBurst',
      TB_RATE_LIMIT_USER_BURST: 'rateLimitUserBurst',
      TB_RATE_LIMIT_AUTH_IP_BURST: 'rateLimitAuthIpBurst',
      TB_RATE_LIMIT_MAX_KEYS: 'rateLimitMaxKeys',
      TB_WS_CORRECTION_MS: 'wsCorrectionMs',
      TB_WS_CURSOR_INTERVAL_MS: 'wsCursorIntervalMs',
      TB_WS_BACKPRESSURE_BYTES: 'wsBackpressureBytes',
      TB_WS_IDLE_TIMEOUT_SEC: 'wsIdleTimeoutSec',
      TB_WS_MAX_IN_FLIGHT: 'wsMaxInFlight',
      TB_WS_UPGRADE_IP_BURST: 'wsUpgradeIpBurst',
      TB_WS_MAX_SOCKETS_PER_USER: 'wsMaxSocketsPerUser',
      TB_CATALOG_BATCH_SIZE: 'catalogBatchSize',
      TB_CATALOG_RETRY_DELAY_MS: 'catalogRetryDelayMs',
      TB_ACCESS_TTL_SEC: 'accessTtlSec',
      TB_REFRESH_TTL_SEC: 'refreshTtlSec',
      TB_EMAIL_VERIFICATION_TTL_SEC: 'emailVerificationTtlSec',
      TB_ACCESS_USER_CACHE_MS: 'accessUserCacheMs',
      TB_QUEUE_CLAIM_GRACE_MS: 'queueClaimGraceMs',
      TB_QUEUE_CHECKOUT_TTL_MS: 'queueCheckoutTtlMs',
      TB_PAYMENT_RELAY_BATCH_SIZE: 'paymentRelayBatchSize',
      TB_PAYMENT_RELAY_POLL_MS: 'paymentRelayPollMs',
      TB_PAYMENT_RELAY_BACKOFF_MAX_MS: 'paymentRelayBackoffMaxMs',
      TB_SANDBOX_CALLBACK_URL: 'sandboxCallbackUrl',
      TB_SANDBOX_PAY_ENABLED: 'sandboxPayEnabled',
      TB_SANDBOX_MAX_DELAY_MS: 'sandboxMaxDelayMs',
      TB_PAYMENT_EVENTS_RETRY_DELAY_MS: 'paymentEventsRetryDelayMs',
      TB_ORDER_HISTORY_BATCH_SIZE: 'orderHistoryBatchSize',
      TB_ORDER_HISTORY_RETRY_DELAY_MS: 'orderHistoryRetryDelayMs',
      TB_ORDER_PAYMENT_TTL_MS: 'orderPaymentTtlMs',
      TB_ORDER_STEP_TIMEOUT_MS: 'orderStepTimeoutMs',
      TB_ORDER_SAGA_GRACE_MS: 'orderSagaGraceMs',
      TB_ORDER_SAGA_STUCK_AFTER: 'orderSagaStuckAfter',
      TB_SANDBOX_REFUND_URL: 'sandboxRefundUrl',
      TB_REFUND_RETRY_DELAY_MS: 'refundRetryDelayMs',
      TB_TICKET_CODE_WINDOW_STEPS: 'ticketCodeWindowSteps',
      TB_CHECKIN_BUCKETS: 'checkinBuckets',
      TB_TICKETS_BATCH_SIZE: 'ticketsBatchSize',
      TB_TICKETS_RETRY_DELAY_MS: 'ticketsRetryDelayMs',
      TB_MEMBER_TIMEOUT_MS: 'memberTimeoutMs',
      TB_LEASE_TTL_MS: 'leaseTtlMs',
      TB_EVENTS_FORMAT: 'eventsFormat',
    }).map(([env, name]) => [env, `now the constant ${name} in config/tuning.ts (tests: TB_TUNING)`]),
  ),
  ...Object.fromEntries(
    [
      'TB_NODE_HTTP_PORT',
      'TB_CATALOG_HTTP_PORT',
      'TB_PAYMENT_RELAY_HTTP_PORT',
      'TB_PAYMENT_EVENTS_HTTP_PORT',
      'TB_ORDER_HISTORY_HTTP_PORT',
      'TB_ORDER_WORKER_HTTP_PORT',
      'TB_TICKETS_HTTP_PORT',
    ].map((env) => [env, 'every process has a fixed admin port now (README "Ports"); TB_ADMIN_PORT overrides it']),
  ),
  ...Object.fromEntries(
    ['TB_ZALOPAY_ENDPOINT', 'TB_PAYOS_BASE_URL', 'TB_VNPAY_PAY_URL', 'TB_VNPAY_API_URL'].map((env) => [
      env,
      'TB_PAYMENT_ENDPOINTS=sandbox|production chooses the provider URLs',
    ]),
  ),
};

/**
 * Split the provider credential settings into their fields. A malformed value (too few parts, or
 * an empty first part) is a problem naming the expected form, never the value (it holds secrets).
 * The per-part variables of before (`TB_ZALOPAY_APP_ID`, …) are still read, with a warning, when
 * the new one is not set.
 */
function credentialsFrom(env: Record<string, string | undefined>, problems: string[]): ProviderCredentials {
  const out: Record<string, string> = {};
  for (const [setting, partsToFields] of Object.entries(PROVIDER_CREDENTIALS)) {
    const s = schemaOf(setting as CredentialSetting);
    const parts = Object.keys(partsToFields);
    const fields = Object.values(partsToFields) as string[];
    const raw = env[s.env];
    const old = (s['deprecatedParts'] as string[]).filter((e) => env[e] !== undefined);
    let values: string[];
    if (raw === undefined && old.length > 0) {
      values = (s['deprecatedParts'] as string[]).map((e) => env[e] ?? '');
      const w = `${old.join(', ')} deprecated: set ${s.env}=<${parts.join('>:<')}> instead`;
      if (!configWarnings.includes(w)) configWarnings.push(w);
    } else if (raw === undefined || raw === '') {
      values = parts.map(() => '');
    } else {
      const split = raw.split(':');
      values = [...split.slice(0, parts.length - 1), split.slice(parts.length - 1).join(':')];
      if (split.length < parts.length || values[0] === '') {
        problems.push(`${s.env} must be <${parts.join('>:<')}> (${parts.length} parts separated by ':', the first not empty)`);
      }
    }
    fields.forEach((f, i) => {
      out[f] = values[i] ?? '';
    });
  }
  return out as ProviderCredentials;
}

/** Warnings `loadConfig` found (deprecated or retired variable names); each process logs them once its logger exists. */
export const configWarnings: string[] = [];

const isInteger = (s: TSchema) =>
  s['type'] === 'integer' || (Array.isArray(s['anyOf']) && (s['anyOf'] as TSchema[]).every((x) => typeof x['const'] === 'number'));

function tuningFrom(raw: string): Partial<Tuning> {
  if (raw === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('TB_TUNING must be a JSON object, e.g. {"orderSagaGraceMs":500}');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('TB_TUNING must be a JSON object');
  const problems: string[] = [];
  for (const [k, v] of Object.entries(parsed)) {
    if (!Object.hasOwn(TUNING, k)) problems.push(`${k} is no tuning constant`);
    else if (typeof v !== typeof TUNING[k as keyof Tuning]) problems.push(`${k} must be a ${typeof TUNING[k as keyof Tuning]}`);
  }
  if (problems.length) throw new Error(`TB_TUNING: ${problems.join('; ')}`);
  return parsed as Partial<Tuning>;
}

/**
 * Resolve every setting from `env` (default `process.env`), falling back to its default, then
 * validate the whole against the schema. Throws one `Error` listing every bad variable by name:
 * a misconfigured process must refuse to start rather than run with a surprise.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const env_ = env;
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const name of Object.keys(SettingsSchema.properties) as SettingName[]) {
    const s = schemaOf(name);
    let raw = env[s.env];
    if (raw === undefined && s.deprecatedEnv && env[s.deprecatedEnv] !== undefined) {
      raw = env[s.deprecatedEnv];
      const w = `${s.deprecatedEnv} is deprecated: rename it ${s.env}`;
      if (!configWarnings.includes(w)) configWarnings.push(w);
    }
    if (raw === undefined || (raw === '' && s.default === '' && isInteger(s))) {
      if (s.default !== '' || !isInteger(s)) out[name] = s.default;
      continue;
    }
    if (isInteger(s)) {
      const n = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isInteger(n)) {
        problems.push(`${s.env} must be an integer, got ${JSON.stringify(raw)}`);
        continue;
      }
      out[name] = n;
    } else {
      out[name] = raw;
    }
  }
  for (const [env, instead] of Object.entries(RETIRED)) {
    const w = `${env} is no longer read: ${instead}`;
    if (env_[env] !== undefined && !configWarnings.includes(w)) configWarnings.push(w);
  }
  for (const e of Value.Errors(SettingsSchema, out)) {
    const name = e.path.split('/')[1] as SettingName | undefined;
    if (!name || problems.some((p) => p.startsWith(`${schemaOf(name).env} `))) continue;
    const s = schemaOf(name);
    problems.push(
      `${s.env} ${JSON.stringify(String(e.value))}: ${e.message}${s.anyOf ? ` (one of ${(s.anyOf as TSchema[]).map((x) => String(x['const'])).join(', ')})` : ''}`,
    );
  }
  const credentials = credentialsFrom(env, problems);
  if (problems.length) throw new Error(`invalid configuration:\n  ${[...new Set(problems)].join('\n  ')}`);
  const settings = out as Settings;
  // NODE_ENV=production (the Docker image sets it) implies production mode, whatever TB_ENV says.
  if (env['NODE_ENV'] === 'production') settings.deployEnv = 'production';
  const { tuning, zalopay: _z, payos: _p, vnpay: _v, ...rest } = settings;
  return { ...rest, ...credentials, ...TUNING, ...PAYMENT_ENDPOINTS[settings.paymentEndpoints], ...tuningFrom(tuning), ...overrides };
}

export { TUNING, PAYMENT_ENDPOINTS, type Tuning } from './tuning.js';
export {
  MIN_SECRET_BYTES,
  isProduction,
  natsConnectOptions,
  natsCredentialsOf,
  productionProblems,
  refuseUnsafeStart,
  sandboxAvailable,
  splitNatsUrl,
} from './production.js';
