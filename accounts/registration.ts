/**
 * @module accounts/registration
 * Creating accounts and granting platform roles. Invariant: two registrations of the same
 * email (in any letter case, at the same instant) yield exactly one account; the database's
 * partial unique index decides, not a read-then-write check.
 */
import { sql, and, eq, isNull } from 'drizzle-orm';
import { supportedLocale } from '../mailer/index.js';
import { TbError, renderMessage } from '../contracts/index.js';
import { UsersConstraints, users, withDbErrors } from '../db/index.js';
import { normalizeEmail, requireLiveUser, toPublicUser, type AccountsContext } from './context.js';
import { hashPassword } from './password-hash.js';
import { passwordProblems } from './password-policy.js';
import type { PublicUser } from './schemas.js';

/** @internal Throw `ACCOUNT_PASSWORD_TOO_WEAK` with `details.reasons` when `password` breaks a rule. */
export function assertStrongPassword(password: string, email: string): void {
  const reasons = passwordProblems(password, email);
  if (reasons.length === 0) return;
  const message = renderMessage('ACCOUNT_PASSWORD_TOO_WEAK', { reasons: reasons.join(', ') });
  throw new TbError('ACCOUNT_PASSWORD_TOO_WEAK', { reasons }, { message });
}

/** @internal Trim a display name and refuse an empty one. */
export function cleanDisplayName(displayName: string): string {
  const name = displayName.trim();
  if (name.length === 0 || name.length > 80)
    throw new TbError('COMMAND_INVALID', { reason: '/displayName: must be 1-80 characters', path: '/displayName' });
  return name;
}

/** @internal See `Accounts.register`. */
export async function register(
  ctx: AccountsContext,
  input: { email: string; password: string; displayName: string; locale?: string },
): Promise<PublicUser> {
  const email = normalizeEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) {
    throw new TbError('COMMAND_INVALID', { reason: '/email: not an email address', path: '/email' });
  }
  const displayName = cleanDisplayName(input.displayName);
  assertStrongPassword(input.password, email);
  const passwordHash = await hashPassword(input.password);
  const now = new Date(ctx.now());
  const [row] = await withDbErrors(
    () =>
      ctx.db
        .insert(users)
        .values({ email, displayName, passwordHash, locale: supportedLocale(input.locale) ?? 'en', createdAt: now, updatedAt: now })
        .returning(),
    { unique: { [UsersConstraints.emailLive]: () => new TbError('ACCOUNT_EMAIL_TAKEN') } },
  );
  ctx.log.info({ userId: row!.id }, 'account registered');
  return toPublicUser(row!);
}

const ROLE_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;

/** @internal See `Accounts.grantPlatformRole`. */
export async function grantPlatformRole(ctx: AccountsContext, userId: string, role: string): Promise<string[]> {
  if (!ROLE_PATTERN.test(role))
    throw new TbError('COMMAND_INVALID', { reason: `role ${JSON.stringify(role)} is not a-z0-9_-`, path: '/role' });
  await requireLiveUser(ctx.db, userId);
  const rows = await withDbErrors(() =>
    ctx.db
      .update(users)
      .set({
        // Append only when absent, in one statement, so concurrent grants cannot duplicate it.
        platformRoles: sql`case when ${role} = any(${users.platformRoles}) then ${users.platformRoles} else array_append(${users.platformRoles}, ${role}::text) end`,
        updatedAt: new Date(ctx.now()),
      })
      .where(and(eq(users.id, userId), isNull(users.deletedAt)))
      .returning({ roles: users.platformRoles }),
  );
  if (!rows[0]) throw new TbError('ACCOUNT_NOT_FOUND', { userId });
  ctx.log.info({ userId, role }, 'platform role granted');
  return rows[0].roles;
}
