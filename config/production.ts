/**
 * @module config/production
 * Production mode (`TB_ENV=production`, implied by `NODE_ENV=production`): what a deployment must
 * set before any process may start, and whether the sandbox payment provider exists at all.
 * Pure: `productionProblems(config)` lists one line per offending setting; `refuseUnsafeStart`
 * prints them and exits 1, and every entry point calls it right after `loadConfig()`.
 * Invariant: in production no secret is a published default or shorter than 32 bytes, NATS is
 * reached with credentials, and the sandbox (orders, callback route, pay page and API) is absent
 * unless `TB_SANDBOX_STAGING=1` says this is a staging deployment.
 */
import { PROVIDER_CREDENTIALS, SETTINGS, type Config, type ProviderCredentials, type SettingName } from './index.js';

/** A setting that is a `Config` field as it is (not `TB_TUNING`, not a provider's credentials, which are split). */
type ConfigSetting = Exclude<SettingName, 'tuning' | keyof typeof PROVIDER_CREDENTIALS>;

/** Shortest accepted secret in production: 32 bytes (256 bits), the HS256 key size. */
export const MIN_SECRET_BYTES = 32;

/** True in production mode. */
export function isProduction(config: Pick<Config, 'deployEnv'>): boolean {
  return config.deployEnv === 'production';
}

/** Whether the sandbox provider exists here: always in development, in production only for staging. */
export function sandboxAvailable(config: Pick<Config, 'deployEnv' | 'sandboxStaging'>): boolean {
  return !isProduction(config) || config.sandboxStaging === 1;
}

/** The secrets every deployment has (each process refuses to start while one is weak). */
const ALWAYS: readonly ConfigSetting[] = ['jwtSecret', 'checkoutSecret', 'queueSeedSecret', 'ticketRotationSecret'];

type CredentialField = keyof ProviderCredentials;
/**
 * Each real provider: its setting, the field that turns it on (the first part), and its secrets
 * (the other parts, checked once it is on), named `TB_ZALOPAY:key1` etc. in problems. Built on
 * first use: this module and config/index.ts import each other.
 */
const providers = () =>
  Object.fromEntries(
    Object.entries(PROVIDER_CREDENTIALS).map(([setting, parts]) => {
      const env = SETTINGS[setting as keyof typeof PROVIDER_CREDENTIALS].env;
      const [on, ...secrets] = Object.entries(parts) as [string, CredentialField][];
      return [setting, { env, on: on![1], secrets: secrets.map(([part, field]) => ({ label: `${env}:${part}`, field })) }];
    }),
  ) as Record<string, { env: string; on: CredentialField; secrets: { label: string; field: CredentialField }[] }>;

/** Why `value` is no production secret (`label` names it, `def` is its published default), or undefined. */
function weaknessOf(label: string, def: string, value: string): string | undefined {
  if (value === '') return `${label} is not set: set it to ${MIN_SECRET_BYTES}+ random bytes`;
  if (def !== '' && value === def)
    return `${label} is the public development default: anyone can forge with it; set ${MIN_SECRET_BYTES}+ random bytes`;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes < MIN_SECRET_BYTES) return `${label} is ${bytes} bytes; at least ${MIN_SECRET_BYTES} are needed`;
  return undefined;
}
const weakness = (name: ConfigSetting, value: string) => weaknessOf(SETTINGS[name].env, SETTINGS[name].default, value);

/**
 * Every reason this configuration may not run in production, one line per offending setting
 * (empty outside production, or when all is well). Names settings, never their values.
 */
export function productionProblems(config: Config): string[] {
  if (!isProduction(config)) return [];
  const out: string[] = [];
  const PROVIDERS = providers();
  const check = (name: ConfigSetting) => {
    const w = weakness(name, String(config[name]));
    if (w) out.push(w);
  };
  ALWAYS.forEach(check);
  // Empty means the development signing key that ships in the source: anyone could sign tickets.
  if (config.ticketSigningKey === '')
    out.push(
      `${SETTINGS.ticketSigningKey.env} is not set: production signs ticket codes with its own Ed25519 key (PKCS#8 PEM or base64 DER)`,
    );
  for (const p of Object.values(PROVIDERS)) {
    if (config[p.on] === '') continue;
    for (const { label, field } of p.secrets) {
      const w = weaknessOf(label, '', config[field]);
      if (w) out.push(w);
    }
  }
  if (sandboxAvailable(config)) check('sandboxPaymentSecret');
  const { natsUser, natsPassword } = natsCredentialsOf(config);
  if (!natsUser) out.push(`${SETTINGS.natsUser.env} is not set: production connects to NATS as its own user (nats.conf)`);
  const pw = weakness('natsPassword', natsPassword);
  if (pw) out.push(pw);
  const provider = config.orderDefaultProvider;
  if (provider === 'sandbox' && !sandboxAvailable(config)) {
    out.push(
      `${SETTINGS.orderDefaultProvider.env} is sandbox, which does not exist in production: name a configured provider (zalopay, payos, vnpay), or set ${SETTINGS.sandboxStaging.env}=1 on a staging deployment`,
    );
  } else if (PROVIDERS[provider] && config[PROVIDERS[provider]!.on] === '') {
    out.push(`${SETTINGS.orderDefaultProvider.env} is ${provider}, which is not configured: set ${PROVIDERS[provider]!.env}`);
  } else if (provider !== 'sandbox' && !PROVIDERS[provider]) {
    out.push(`${SETTINGS.orderDefaultProvider.env} is ${JSON.stringify(provider)}, which is no provider (zalopay, payos, vnpay)`);
  }
  return out;
}

/** The NATS user and password: `TB_NATS_USER`/`TB_NATS_PASSWORD`, else the `user:pass@` of `TB_NATS_URL`. */
export function natsCredentialsOf(config: Pick<Config, 'natsUrl' | 'natsUser' | 'natsPassword'>): {
  natsUser: string;
  natsPassword: string;
} {
  if (config.natsUser) return { natsUser: config.natsUser, natsPassword: config.natsPassword };
  const first = splitNatsUrl(config.natsUrl);
  return { natsUser: first.user ?? '', natsPassword: first.pass ?? '' };
}

/** The server list of `TB_NATS_URL` without credentials, and the credentials one of them carried. */
export function splitNatsUrl(natsUrl: string): { servers: string[]; user?: string; pass?: string } {
  let user: string | undefined;
  let pass: string | undefined;
  const servers = natsUrl
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^([a-z]+:\/\/)([^@/]*)@(.*)$/i.exec(s);
      if (!m) return s;
      const [u, p] = m[2]!.split(':', 2);
      if (user === undefined && u) {
        user = decodeURIComponent(u);
        pass = decodeURIComponent(p ?? '');
      }
      return `${m[1]}${m[3]}`;
    });
  return { servers, ...(user !== undefined ? { user, pass: pass ?? '' } : {}) };
}

/**
 * The `connect()` options every TicketBottle process uses: the servers of `TB_NATS_URL` and, when
 * set, the process's credentials (none = the plain development server, which has no users).
 */
export function natsConnectOptions(
  config: Pick<Config, 'natsUrl' | 'natsUser' | 'natsPassword'>,
  name: string,
): { servers: string[]; name: string; user?: string; pass?: string } {
  const { servers } = splitNatsUrl(config.natsUrl);
  const { natsUser, natsPassword } = natsCredentialsOf(config);
  return { servers, name, ...(natsUser ? { user: natsUser, pass: natsPassword } : {}) };
}

/**
 * Print one line per production problem to stderr and exit 1; a no-op when there is none.
 * Called by every entry point right after `loadConfig()`, before anything connects.
 */
export function refuseUnsafeStart(config: Config, processName: string): void {
  const problems = productionProblems(config);
  if (problems.length === 0) return;
  for (const p of problems) process.stderr.write(`${processName}: refusing to start in production mode: ${p}\n`);
  process.exit(1);
}
