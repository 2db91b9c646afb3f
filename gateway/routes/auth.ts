/**
 * @module gateway/routes/auth
 * Sign-up, sign-in and session routes over the account service: register, login, refresh,
 * logout, logout everywhere, and email verification. Invariant: tokens and passwords only ever
 * travel in bodies (or the emailed link's query), are never logged, and every failure is a
 * registered `AUTH_*`/`ACCOUNT_*` error; `/auth/*` is also under the stricter per-IP limit of
 * `authRateLimit` (see `auth-rate-limit.ts`).
 */
import {
  LoginBody,
  LoginResult,
  PublicUser,
  RefreshBody,
  RegisterBody,
  VerificationRequested,
  VerifyEmailQuery,
  type Accounts,
} from '../../accounts/index.js';
import { Type } from '../../contracts/index.js';
import { localeFromAcceptLanguage } from '../../mailer/index.js';
import { defineRoute } from '../route.js';
import type { AnyRoute, RouteContext } from '../types.js';
import { problem, userOf } from './shared.js';
import { AcceptLanguageHeaders, UserAgentHeaders } from './headers.js';

const TAGS = ['auth'];

/** The `User-Agent` kept with a refresh token (bounded; only for the user's session list). */
function userAgentOf(ctx: RouteContext<unknown, unknown, unknown>): { userAgent?: string } {
  const ua = ctx.request.headers['user-agent'];
  return ua ? { userAgent: ua.slice(0, 256) } : {};
}

/** The `/api/v1/auth/*` routes, bound to an account service. */
export function authRoutes(accounts: Accounts): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/api/v1/auth/register',
      summary: 'Create an account',
      tags: TAGS,
      auth: 'none',
      description:
        'The password must pass the policy (`ACCOUNT_PASSWORD_TOO_WEAK` lists the reasons). Emails are compared case-insensitively.',
      body: RegisterBody,
      headers: AcceptLanguageHeaders,
      responses: { 201: PublicUser, 409: problem('Email already registered (ACCOUNT_EMAIL_TAKEN)') },
      handler: async (ctx) => ({
        status: 201,
        body: await accounts.register({
          ...ctx.body,
          locale: ctx.body.locale ?? localeFromAcceptLanguage(ctx.request.headers['accept-language']),
        }),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/auth/login',
      summary: 'Sign in: access token + refresh token',
      tags: TAGS,
      auth: 'none',
      description:
        'Unknown email, wrong password and deleted account all answer the same `AUTH_INVALID_CREDENTIALS`. After `loginMaxFailures` (config/tuning.ts) failures on one email (counted across gateways) the account is locked for a while: 429 `AUTH_TOO_MANY_ATTEMPTS` with `Retry-After`, whatever the password.',
      body: LoginBody,
      headers: UserAgentHeaders,
      responses: {
        200: LoginResult,
        429: problem(
          'Too many requests from this IP (HTTP_RATE_LIMITED) or failed sign-ins on this account (AUTH_TOO_MANY_ATTEMPTS); see Retry-After',
        ),
      },
      handler: async (ctx) => ({ body: await accounts.login({ ...ctx.body, ...userAgentOf(ctx) }) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/auth/refresh',
      summary: 'Rotate a refresh token',
      tags: TAGS,
      auth: 'none',
      description:
        'The presented token is revoked and a new pair returned. Presenting a rotated token again revokes every session (`AUTH_REFRESH_TOKEN_REUSED`).',
      body: RefreshBody,
      headers: UserAgentHeaders,
      responses: { 200: LoginResult },
      handler: async (ctx) => ({ body: await accounts.refresh(ctx.body.refreshToken, userAgentOf(ctx).userAgent) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/auth/logout',
      summary: 'Revoke one refresh token',
      tags: TAGS,
      auth: 'none',
      description: 'Idempotent: an unknown or already revoked token is not an error. The access token lives out its short TTL.',
      body: RefreshBody,
      responses: { 204: { description: 'Signed out' } },
      handler: async (ctx) => {
        await accounts.logout(ctx.body.refreshToken);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/auth/logout-all',
      summary: 'Revoke every refresh token of the caller',
      tags: TAGS,
      auth: 'required',
      responses: { 200: Type.Object({ revoked: Type.Integer({ description: 'refresh tokens that were live' }) }) },
      handler: async (ctx) => ({ body: { revoked: await accounts.logoutEverywhere(userOf(ctx).userId) } }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/auth/verify-email',
      summary: 'Consume an email-verification link',
      tags: TAGS,
      auth: 'none',
      description: 'The link emailed by `POST /auth/verify-email/request`; it works once and expires.',
      query: VerifyEmailQuery,
      responses: { 200: PublicUser },
      handler: async (ctx) => ({ body: await accounts.verifyEmail(ctx.query.token) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/auth/verify-email/request',
      summary: 'Email the caller a verification link',
      tags: TAGS,
      auth: 'required',
      responses: { 202: VerificationRequested, 409: problem('Already verified (ACCOUNT_EMAIL_ALREADY_VERIFIED)') },
      handler: async (ctx) => ({ status: 202, body: await accounts.requestEmailVerification(userOf(ctx).userId) }),
    }),
  ];
}
