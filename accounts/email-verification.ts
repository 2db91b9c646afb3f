/**
 * @module accounts/email-verification
 * Proving ownership of an email address with a signed, single-use, expiring link. Invariant:
 * a link verifies at most once, even when clicked twice at the same instant (a conditional
 * UPDATE on `used_at` decides); only the token's digest is stored.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { TbError } from '../contracts/index.js';
import { renderMail, supportedLocale } from '../mailer/index.js';
import { emailVerificationTokens, users, withDbErrors } from '../db/index.js';
import { requireLiveUser, toPublicUser, type AccountsContext } from './context.js';
import type { PublicUser } from './schemas.js';
import { checkVerifyEmailToken, signVerifyEmailToken, tokenDigest } from './tokens.js';

/** The path of the link (under `publicBaseUrl`) that the gateway serves. */
export const VERIFY_EMAIL_PATH = '/api/v1/auth/verify-email';

/** @internal See `Accounts.requestEmailVerification`. */
export async function requestEmailVerification(ctx: AccountsContext, userId: string): Promise<{ expiresAt: string }> {
  const user = await requireLiveUser(ctx.db, userId);
  if (user.emailVerifiedAt) throw new TbError('ACCOUNT_EMAIL_ALREADY_VERIFIED');
  const id = randomUUID();
  const nowMs = ctx.now();
  const token = await signVerifyEmailToken(ctx.key, user.id, id, nowMs, ctx.emailVerificationTtlSec);
  // The JWT's exp is whole seconds; store the same instant so both checks agree.
  const expiresAt = new Date((Math.floor(nowMs / 1000) + ctx.emailVerificationTtlSec) * 1000);
  await withDbErrors(() =>
    ctx.db.insert(emailVerificationTokens).values({
      id,
      userId: user.id,
      tokenHash: tokenDigest(token),
      createdAt: new Date(nowMs),
      expiresAt,
    }),
  );
  const link = `${ctx.publicBaseUrl.replace(/\/+$/, '')}${VERIFY_EMAIL_PATH}?token=${encodeURIComponent(token)}`;
  // In the user's language (chosen at sign-up); the mailer sends it (SMTP when TB_SMTP_URL is set).
  await ctx.mailer.send(
    renderMail('verifyEmail', supportedLocale(user.locale) ?? 'en', user.email, {
      name: user.displayName,
      link,
      expiresAt: expiresAt.toISOString(),
    }),
  );
  ctx.log.info({ userId: user.id, tokenId: id }, 'verification email sent');
  return { expiresAt: expiresAt.toISOString() };
}

/** @internal See `Accounts.verifyEmail`. */
export async function verifyEmail(ctx: AccountsContext, token: string): Promise<PublicUser> {
  if (typeof token !== 'string' || token.length === 0 || token.length > 2048) throw new TbError('ACCOUNT_VERIFICATION_TOKEN_INVALID');
  const nowMs = ctx.now();
  const checked = await checkVerifyEmailToken(token, ctx.key, nowMs);
  if (!checked.ok) {
    throw new TbError(checked.failure === 'expired' ? 'ACCOUNT_VERIFICATION_TOKEN_EXPIRED' : 'ACCOUNT_VERIFICATION_TOKEN_INVALID');
  }
  const now = new Date(nowMs);
  const row = await withDbErrors(() =>
    ctx.db.transaction(async (tx) => {
      const used = await tx
        .update(emailVerificationTokens)
        .set({ usedAt: now })
        .where(
          and(
            eq(emailVerificationTokens.tokenHash, tokenDigest(token)),
            isNull(emailVerificationTokens.usedAt),
            gt(emailVerificationTokens.expiresAt, now),
          ),
        )
        .returning({ userId: emailVerificationTokens.userId });
      if (!used[0]) return undefined;
      const [u] = await tx
        .update(users)
        .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now.toISOString()}::timestamptz)`, updatedAt: now })
        .where(and(eq(users.id, used[0].userId), isNull(users.deletedAt)))
        .returning();
      return u;
    }),
  );
  if (!row) throw new TbError('ACCOUNT_VERIFICATION_TOKEN_INVALID');
  ctx.log.info({ userId: row.id }, 'email verified');
  return toPublicUser(row);
}
