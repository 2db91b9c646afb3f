/**
 * @module accounts/context
 * @internal State and helpers shared by the account operations: the resolved config, row →
 * public shape mappers (the one place that decides which columns leave the service), and
 * session issuing. Not exported from `accounts/index.ts`.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { TbError } from '../contracts/index.js';
import { refreshTokens, users, withDbErrors, type Db, type UserRow } from '../db/index.js';
import { isUuid, type LoginResult, type Profile, type PublicUser } from './schemas.js';
import { newRefreshToken, signAccessToken, tokenDigest } from './tokens.js';
import type { AccountsLogger, Mailer } from './types.js';

/** @internal Everything an operation needs; built once by `createAccounts`. */
export interface AccountsContext {
  db: Db;
  key: Uint8Array;
  accessTtlSec: number;
  refreshTtlSec: number;
  emailVerificationTtlSec: number;
  publicBaseUrl: string;
  mailer: Mailer;
  log: AccountsLogger;
  now: () => number;
  /** Live-user lookups of access-token verification (see user-cache.ts). */
  users: import('./user-cache.js').LiveUserCache;
  /** Batched live-user role lookups behind the cache (see live-roles.ts). */
  liveRoles: import('./live-roles.js').LiveRolesLoader;
  /** Per-account sign-in throttle (see login-throttle.ts), when configured. */
  throttle?: import('./login-throttle.js').LoginThrottle;
}

/** @internal Normalise an email for storage and lookup: trimmed, lowercased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** @internal The public fields of a user row; the only mapper from a row to a client-visible object. */
export function toPublicUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    emailVerified: row.emailVerifiedAt !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** @internal The owner's view of their account: public fields plus platform roles. */
export function toProfile(row: UserRow): Profile {
  return { ...toPublicUser(row), roles: [...row.platformRoles] };
}

/** @internal The live (not deleted) user `userId`, or undefined; malformed ids are simply unknown. */
export async function findLiveUser(db: Db, userId: string): Promise<UserRow | undefined> {
  if (!isUuid(userId)) return undefined;
  return withDbErrors(async () => {
    const rows = await db
      .select()
      .from(users)
      .where(and(eq(users.id, userId), isNull(users.deletedAt)))
      .limit(1);
    return rows[0];
  });
}

/** @internal Like `findLiveUser`, but `ACCOUNT_NOT_FOUND` when missing. */
export async function requireLiveUser(db: Db, userId: string): Promise<UserRow> {
  const row = await findLiveUser(db, userId);
  if (!row) throw new TbError('ACCOUNT_NOT_FOUND', { userId });
  return row;
}

/** @internal Revoke every live refresh token of `userId` at `at`; returns how many were live. */
export async function revokeAllRefreshTokens(db: Db, userId: string, at: Date): Promise<number> {
  return withDbErrors(async () => {
    const rows = await db
      .update(refreshTokens)
      .set({ revokedAt: at })
      .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)))
      .returning({ id: refreshTokens.id });
    return rows.length;
  });
}

/** @internal A new refresh-token row (not yet inserted) and the token it stands for. */
export function newRefreshRow(ctx: AccountsContext, userId: string, familyId: string, userAgent: string | undefined) {
  const token = newRefreshToken();
  const createdAt = new Date(ctx.now());
  const row = {
    id: randomUUID(),
    userId,
    familyId,
    tokenHash: tokenDigest(token),
    createdAt,
    expiresAt: new Date(createdAt.getTime() + ctx.refreshTtlSec * 1000),
    userAgent: userAgent ? userAgent.slice(0, 512) : null,
  };
  return { token, row };
}

/** @internal The login/refresh result for `user` with an already-stored `refreshToken`. */
export async function sessionResult(ctx: AccountsContext, user: UserRow, refreshToken: string): Promise<LoginResult> {
  const accessToken = await signAccessToken(ctx.key, user.id, [...user.platformRoles], ctx.now(), ctx.accessTtlSec);
  return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: ctx.accessTtlSec, user: toPublicUser(user) };
}
