/**
 * @module accounts/types
 * The account service's contract: the `Accounts` interface the gateway calls, its
 * dependencies, and the mailer port. Every method fails only with registered `TbError`s
 * (`AUTH_*`, `ACCOUNT_*`, or `INTERNAL` / `RUNTIME_UNAVAILABLE` from the database).
 */
import type { Db } from '../db/index.js';
import type { LoginResult, Profile, PublicUser } from './schemas.js';

/** One email. `text` is plain text; the service never puts a secret in it except a link's token. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Outbound email port. `send` may throw; the caller's operation then fails with that error. */
export interface Mailer {
  send(mail: Mail): Promise<void> | void;
}

/** The subset of a pino logger the service uses (a pino `Logger` satisfies it). */
export interface AccountsLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Token lifetimes and the URL emailed links point at. */
export interface AccountsConfig {
  /** HS256 key for access tokens and verification links; at least 32 bytes in production. */
  jwtSecret: string;
  /** Access token lifetime in seconds (default 900). */
  accessTtlSec?: number;
  /** Refresh token lifetime in seconds (default 30 days). */
  refreshTtlSec?: number;
  /** Email-verification link lifetime in seconds (default 24 hours). */
  emailVerificationTtlSec?: number;
  /** Where users reach the gateway, e.g. `https://tickets.example.com` (no trailing slash needed). */
  publicBaseUrl: string;
  /**
   * How long access-token verification may trust a user's liveness and roles without asking
   * PostgreSQL again (ms). Default 0 (always ask); the gateway uses `accessUserCacheMs` (config/tuning.ts).
   */
  userCacheMs?: number;
}

/** What `createAccounts` needs. `now` (ms since epoch) lets tests move time. */
export interface AccountsDeps {
  db: Db;
  config: AccountsConfig;
  /** Default: a `LogMailer` over `log`. */
  mailer?: Mailer;
  /** Default: a pino logger named `accounts`. */
  log?: AccountsLogger;
  /** Default: `Date.now`. */
  now?: () => number;
  /** The per-account sign-in throttle (`createLoginThrottle`); without it only the per-IP limit applies. */
  loginThrottle?: import('./login-throttle.js').LoginThrottle;
}

/** What a verified access token says about its bearer. */
export interface AccessClaims {
  userId: string;
  /** Current platform roles, read from the database (a grant or revoke applies at once). */
  roles: string[];
}

/**
 * The account service. Methods are safe to call concurrently; each is one or a few short
 * PostgreSQL statements, with the multi-row ones inside a transaction.
 */
export interface Accounts {
  /** Create an account. `ACCOUNT_EMAIL_TAKEN` (case-insensitive), `ACCOUNT_PASSWORD_TOO_WEAK` with `details.reasons`. */
  /** `locale` (`en`, `vi`, or an `Accept-Language` value's pick) decides the language of the user's mails. */
  register(input: { email: string; password: string; displayName: string; locale?: string }): Promise<PublicUser>;
  /**
   * Sign in. Unknown email, wrong password and deleted account all fail with the same
   * `AUTH_INVALID_CREDENTIALS` after the same amount of hashing work.
   */
  login(input: { email: string; password: string; userAgent?: string }): Promise<LoginResult>;
  /**
   * Rotate a refresh token: the presented one is revoked and a new pair is returned.
   * Presenting an already-rotated token (a replay, or a lost race between two refreshes)
   * revokes every refresh token of the user: `AUTH_REFRESH_TOKEN_REUSED`.
   * Unknown, expired or logged-out tokens: `AUTH_REFRESH_TOKEN_INVALID`.
   */
  refresh(refreshToken: string, userAgent?: string): Promise<LoginResult>;
  /** Revoke one refresh token. Idempotent: an unknown or revoked token is not an error. */
  logout(refreshToken: string): Promise<void>;
  /** Revoke every refresh token of the user; returns how many were live. Access tokens live out their TTL. */
  logoutEverywhere(userId: string): Promise<number>;
  /** Check an access token: `AUTH_TOKEN_EXPIRED`, or `AUTH_TOKEN_INVALID` (bad signature, issuer, audience, deleted user). */
  verifyAccessToken(token: string): Promise<AccessClaims>;
  /** The caller's own profile. `ACCOUNT_NOT_FOUND` for unknown or deleted accounts. */
  getProfile(userId: string): Promise<Profile>;
  /** Change the display name. `ACCOUNT_NOT_FOUND`. */
  updateProfile(userId: string, input: { displayName: string }): Promise<Profile>;
  /** `AUTH_INVALID_CREDENTIALS` when `currentPassword` is wrong; on success every refresh token is revoked. */
  changePassword(userId: string, input: { currentPassword: string; newPassword: string }): Promise<void>;
  /** Email a single-use verification link. `ACCOUNT_EMAIL_ALREADY_VERIFIED`, `ACCOUNT_NOT_FOUND`. */
  requestEmailVerification(userId: string): Promise<{ expiresAt: string }>;
  /** Consume a verification link. `ACCOUNT_VERIFICATION_TOKEN_EXPIRED`, `ACCOUNT_VERIFICATION_TOKEN_INVALID` (unknown or used). */
  verifyEmail(token: string): Promise<PublicUser>;
  /** Soft delete: the row stays, tokens are revoked, the email can no longer sign in (and may register again). */
  deleteAccount(userId: string): Promise<void>;
  /** Public fields of up to 100 live accounts, in request order; unknown, malformed and deleted ids are omitted. */
  batchLookup(ids: string[]): Promise<PublicUser[]>;
  /** Add a platform role (e.g. `admin`); idempotent. For bootstrap and tests, not a public route. */
  grantPlatformRole(userId: string, role: string): Promise<string[]>;
}
