/**
 * @module accounts/sessions
 * Sign-in, refresh-token rotation with replay detection, sign-out, and access-token checks.
 * Invariants: a refresh token is exchanged at most once (a conditional UPDATE decides the race);
 * presenting a rotated token revokes every session of the user; login failures are
 * indistinguishable in code and in hashing work; with a throttle, every attempt on an email is
 * counted before its password is checked, and a lock refuses it (see login-throttle.ts).
 */
import { randomUUID } from 'node:crypto';
import { TransactionRollbackError, and, eq, isNull } from 'drizzle-orm';
import { TbError } from '../contracts/index.js';
import { refreshTokens, users, withDbErrors } from '../db/index.js';
import { findLiveUser, newRefreshRow, normalizeEmail, revokeAllRefreshTokens, sessionResult, type AccountsContext } from './context.js';
import { burnPasswordCheck, verifyPassword } from './password-hash.js';
import type { LoginResult } from './schemas.js';
import { checkAccessToken, tokenDigest } from './tokens.js';
import type { AccessClaims } from './types.js';

/** @internal See `Accounts.login`. */
export async function login(ctx: AccountsContext, input: { email: string; password: string; userAgent?: string }): Promise<LoginResult> {
  const email = normalizeEmail(input.email);
  await ctx.throttle?.attempt(email);
  const [user] = await withDbErrors(() =>
    ctx.db
      .select()
      .from(users)
      .where(and(eq(users.email, email), isNull(users.deletedAt)))
      .limit(1),
  );
  // Unknown (or deleted) email: spend the same Argon2 work as a real check, then fail identically.
  const ok = user ? await verifyPassword(user.passwordHash, input.password) : await burnPasswordCheck(input.password);
  if (!user || !ok) throw new TbError('AUTH_INVALID_CREDENTIALS');
  await ctx.throttle?.succeeded(email);
  const { token, row } = newRefreshRow(ctx, user.id, randomUUID(), input.userAgent);
  await withDbErrors(() => ctx.db.insert(refreshTokens).values(row));
  ctx.log.info({ userId: user.id, familyId: row.familyId }, 'signed in');
  return sessionResult(ctx, user, token);
}

/** @internal See `Accounts.refresh`. */
export async function refresh(ctx: AccountsContext, refreshToken: string, userAgent?: string): Promise<LoginResult> {
  const invalid = () => new TbError('AUTH_REFRESH_TOKEN_INVALID');
  if (typeof refreshToken !== 'string' || refreshToken.length === 0 || refreshToken.length > 512) throw invalid();
  const [old] = await withDbErrors(() =>
    ctx.db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, tokenDigest(refreshToken)))
      .limit(1),
  );
  if (!old) throw invalid();
  const now = new Date(ctx.now());
  if (old.revokedAt) {
    // Rotated tokens are replays (theft, or a client bug): end every session. Logged-out ones are just dead.
    if (old.replacedById) await reuseDetected(ctx, old.userId, old.familyId, now);
    throw invalid();
  }
  if (old.expiresAt.getTime() <= now.getTime()) throw invalid();
  const user = await findLiveUser(ctx.db, old.userId);
  if (!user) throw invalid();

  const { token, row } = newRefreshRow(ctx, user.id, old.familyId, userAgent ?? old.userAgent ?? undefined);
  const won = await withDbErrors(() =>
    ctx.db
      .transaction(async (tx) => {
        await tx.insert(refreshTokens).values(row);
        const rotated = await tx
          .update(refreshTokens)
          .set({ revokedAt: now, replacedById: row.id })
          .where(and(eq(refreshTokens.id, old.id), isNull(refreshTokens.revokedAt)))
          .returning({ id: refreshTokens.id });
        if (rotated.length === 0) tx.rollback();
        return true;
      })
      .catch((err: unknown) => {
        if (err instanceof TransactionRollbackError) return false;
        throw err;
      }),
  );
  // Lost the race to a concurrent refresh of the same token: the same token was used twice.
  if (!won) await reuseDetected(ctx, old.userId, old.familyId, now);
  return sessionResult(ctx, user, token);
}

async function reuseDetected(ctx: AccountsContext, userId: string, familyId: string, now: Date): Promise<never> {
  const revoked = await revokeAllRefreshTokens(ctx.db, userId, now);
  ctx.log.warn({ userId, familyId, revoked }, 'refresh token reused: every session of the user revoked');
  throw new TbError('AUTH_REFRESH_TOKEN_REUSED');
}

/** @internal See `Accounts.logout`. */
export async function logout(ctx: AccountsContext, refreshToken: string): Promise<void> {
  if (typeof refreshToken !== 'string' || refreshToken.length === 0 || refreshToken.length > 512) return;
  const rows = await withDbErrors(() =>
    ctx.db
      .update(refreshTokens)
      .set({ revokedAt: new Date(ctx.now()) })
      .where(and(eq(refreshTokens.tokenHash, tokenDigest(refreshToken)), isNull(refreshTokens.revokedAt)))
      .returning({ userId: refreshTokens.userId }),
  );
  if (rows[0]) ctx.log.info({ userId: rows[0].userId }, 'signed out');
}

/** @internal See `Accounts.logoutEverywhere`. */
export async function logoutEverywhere(ctx: AccountsContext, userId: string): Promise<number> {
  const user = await findLiveUser(ctx.db, userId);
  if (!user) throw new TbError('ACCOUNT_NOT_FOUND', { userId });
  const revoked = await revokeAllRefreshTokens(ctx.db, userId, new Date(ctx.now()));
  ctx.log.info({ userId, revoked }, 'signed out everywhere');
  return revoked;
}

/** @internal See `Accounts.verifyAccessToken`. */
export async function verifyAccessToken(ctx: AccountsContext, token: string): Promise<AccessClaims> {
  if (typeof token !== 'string' || token.length === 0 || token.length > 4096) throw new TbError('AUTH_TOKEN_INVALID');
  const checked = await checkAccessToken(token, ctx.key, ctx.now());
  if (!checked.ok) throw new TbError(checked.failure === 'expired' ? 'AUTH_TOKEN_EXPIRED' : 'AUTH_TOKEN_INVALID');
  // The signature is not enough: a deleted account's tokens die with it, and roles are read
  // fresh — from a cache at most `userCacheMs` old, so a sale does not cost a query a request.
  const now = ctx.now();
  const cached = ctx.users.get(checked.sub, now);
  if (cached) {
    if (!cached.roles) throw new TbError('AUTH_TOKEN_INVALID');
    return { userId: checked.sub, roles: [...cached.roles] };
  }
  const roles = await ctx.liveRoles.load(checked.sub);
  ctx.users.set(checked.sub, roles, now);
  if (!roles) throw new TbError('AUTH_TOKEN_INVALID');
  return { userId: checked.sub, roles };
}
