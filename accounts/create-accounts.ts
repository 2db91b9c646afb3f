/**
 * @module accounts/create-accounts
 * Builds the `Accounts` service from its dependencies: resolves defaults, refuses an unusable
 * JWT secret, warns about the development one, and binds each operation to one shared context.
 */
import { createLogger } from '../platform/index.js';
import { SETTINGS, type Config } from '../config/index.js';
import type { AccountsContext } from './context.js';
import { requestEmailVerification, verifyEmail } from './email-verification.js';
import { LogMailer } from './mailer.js';
import { batchLookup, changePassword, deleteAccount, getProfile, updateProfile } from './profile.js';
import { grantPlatformRole, register } from './registration.js';
import { LiveRolesLoader } from './live-roles.js';
import { LiveUserCache } from './user-cache.js';
import { login, logout, logoutEverywhere, refresh, verifyAccessToken } from './sessions.js';
import { signingKey } from './tokens.js';
import type { Accounts, AccountsConfig, AccountsDeps } from './types.js';

/** Default access token lifetime: 15 minutes. */
export const DEFAULT_ACCESS_TTL_SEC = 900;
/** Default refresh token lifetime: 30 days. */
export const DEFAULT_REFRESH_TTL_SEC = 30 * 24 * 3600;
/** Default verification link lifetime: 24 hours. */
export const DEFAULT_EMAIL_VERIFICATION_TTL_SEC = 24 * 3600;

/** The account-service slice of the process config (`loadConfig()`). */
export function accountsConfigFrom(config: Config): AccountsConfig {
  return {
    jwtSecret: config.jwtSecret,
    accessTtlSec: config.accessTtlSec,
    refreshTtlSec: config.refreshTtlSec,
    emailVerificationTtlSec: config.emailVerificationTtlSec,
    publicBaseUrl: config.publicBaseUrl,
    userCacheMs: config.accessUserCacheMs,
  };
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`accounts: ${name} must be a positive integer, got ${String(value)}`);
  return v;
}

/**
 * Create the account service. Throws a plain `Error` (a start-up misconfiguration, not a
 * request failure) when the secret is shorter than 16 bytes or a TTL is not a positive integer;
 * logs a warning when the secret is the development default or shorter than 32 bytes.
 */
export function createAccounts(deps: AccountsDeps): Accounts {
  const { config } = deps;
  const log = deps.log ?? createLogger('accounts', { level: 'info' });
  const secretBytes = Buffer.byteLength(config.jwtSecret ?? '');
  if (secretBytes < 16) throw new Error(`accounts: ${SETTINGS.jwtSecret.env} must be at least 16 bytes (32+ recommended)`);
  if (config.jwtSecret === SETTINGS.jwtSecret.default) {
    log.warn({ setting: SETTINGS.jwtSecret.env }, 'using the development JWT secret: anyone can forge tokens; set TB_JWT_SECRET');
  } else if (secretBytes < 32) {
    log.warn({ setting: SETTINGS.jwtSecret.env, bytes: secretBytes }, 'the JWT secret is shorter than 32 bytes');
  }
  const ctx: AccountsContext = {
    db: deps.db,
    key: signingKey(config.jwtSecret),
    accessTtlSec: positive('accessTtlSec', config.accessTtlSec, DEFAULT_ACCESS_TTL_SEC),
    refreshTtlSec: positive('refreshTtlSec', config.refreshTtlSec, DEFAULT_REFRESH_TTL_SEC),
    emailVerificationTtlSec: positive('emailVerificationTtlSec', config.emailVerificationTtlSec, DEFAULT_EMAIL_VERIFICATION_TTL_SEC),
    publicBaseUrl: config.publicBaseUrl,
    mailer: deps.mailer ?? new LogMailer(log),
    users: new LiveUserCache(config.userCacheMs ?? 0),
    liveRoles: new LiveRolesLoader(deps.db),
    log,
    now: deps.now ?? Date.now,
    ...(deps.loginThrottle ? { throttle: deps.loginThrottle } : {}),
  };
  return {
    register: (input) => register(ctx, input),
    login: (input) => login(ctx, input),
    refresh: (token, userAgent) => refresh(ctx, token, userAgent),
    logout: (token) => logout(ctx, token),
    logoutEverywhere: (userId) => logoutEverywhere(ctx, userId),
    verifyAccessToken: (token) => verifyAccessToken(ctx, token),
    getProfile: (userId) => getProfile(ctx, userId),
    updateProfile: (userId, input) => updateProfile(ctx, userId, input),
    changePassword: (userId, input) => changePassword(ctx, userId, input),
    requestEmailVerification: (userId) => requestEmailVerification(ctx, userId),
    verifyEmail: (token) => verifyEmail(ctx, token),
    deleteAccount: (userId) => deleteAccount(ctx, userId).finally(() => ctx.users.forget(userId)),
    batchLookup: (ids) => batchLookup(ctx, ids),
    grantPlatformRole: (userId, role) => grantPlatformRole(ctx, userId, role).finally(() => ctx.users.forget(userId)),
  };
}
