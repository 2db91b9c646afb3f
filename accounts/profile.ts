/**
 * @module accounts/profile
 * Reading and changing an account: profile, display name, password, soft delete, and the batch
 * lookup other services use to show names. Invariant: a changed password or a deleted account
 * leaves no live refresh token behind (same transaction as the change).
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { TbError } from '../contracts/index.js';
import { refreshTokens, users, withDbErrors } from '../db/index.js';
import { requireLiveUser, toProfile, toPublicUser, type AccountsContext } from './context.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import { assertStrongPassword, cleanDisplayName } from './registration.js';
import { isUuid, type Profile, type PublicUser } from './schemas.js';

/** Most ids one `batchLookup` accepts. */
export const BATCH_LOOKUP_LIMIT = 100;

/** @internal See `Accounts.getProfile`. */
export async function getProfile(ctx: AccountsContext, userId: string): Promise<Profile> {
  return toProfile(await requireLiveUser(ctx.db, userId));
}

/** @internal See `Accounts.updateProfile`. */
export async function updateProfile(ctx: AccountsContext, userId: string, input: { displayName: string }): Promise<Profile> {
  const displayName = cleanDisplayName(input.displayName);
  if (!isUuid(userId)) throw new TbError('ACCOUNT_NOT_FOUND', { userId });
  const [row] = await withDbErrors(() =>
    ctx.db
      .update(users)
      .set({ displayName, updatedAt: new Date(ctx.now()) })
      .where(and(eq(users.id, userId), isNull(users.deletedAt)))
      .returning(),
  );
  if (!row) throw new TbError('ACCOUNT_NOT_FOUND', { userId });
  return toProfile(row);
}

/** @internal See `Accounts.changePassword`. */
export async function changePassword(
  ctx: AccountsContext,
  userId: string,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const user = await requireLiveUser(ctx.db, userId);
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) throw new TbError('AUTH_INVALID_CREDENTIALS');
  assertStrongPassword(input.newPassword, user.email);
  const passwordHash = await hashPassword(input.newPassword);
  const now = new Date(ctx.now());
  await withDbErrors(() =>
    ctx.db.transaction(async (tx) => {
      await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, userId));
      await tx
        .update(refreshTokens)
        .set({ revokedAt: now })
        .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
    }),
  );
  ctx.log.info({ userId }, 'password changed; every session revoked');
}

/** @internal See `Accounts.deleteAccount`. */
export async function deleteAccount(ctx: AccountsContext, userId: string): Promise<void> {
  if (!isUuid(userId)) throw new TbError('ACCOUNT_NOT_FOUND', { userId });
  const now = new Date(ctx.now());
  const deleted = await withDbErrors(() =>
    ctx.db.transaction(async (tx) => {
      const rows = await tx
        .update(users)
        .set({ deletedAt: now, updatedAt: now })
        .where(and(eq(users.id, userId), isNull(users.deletedAt)))
        .returning({ id: users.id });
      if (rows.length === 0) return false;
      await tx
        .update(refreshTokens)
        .set({ revokedAt: now })
        .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
      return true;
    }),
  );
  if (!deleted) throw new TbError('ACCOUNT_NOT_FOUND', { userId });
  ctx.log.info({ userId }, 'account deleted (soft)');
}

/** @internal See `Accounts.batchLookup`. */
export async function batchLookup(ctx: AccountsContext, ids: string[]): Promise<PublicUser[]> {
  if (!Array.isArray(ids)) throw new TbError('COMMAND_INVALID', { reason: '/ids: must be an array', path: '/ids' });
  if (ids.length > BATCH_LOOKUP_LIMIT) throw new TbError('ACCOUNT_BATCH_TOO_LARGE', { limit: BATCH_LOOKUP_LIMIT, count: ids.length });
  // Lowercase before deduplicating: PostgreSQL prints uuids lowercased, and we answer in request order.
  const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
  if (wanted.length === 0) return [];
  const rows = await withDbErrors(() =>
    ctx.db
      .select()
      .from(users)
      .where(and(inArray(users.id, wanted), isNull(users.deletedAt))),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return wanted.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toPublicUser(row)] : [];
  });
}
