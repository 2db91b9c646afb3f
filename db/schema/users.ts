/**
 * @module db/schema/users
 * The users aggregate: accounts, their refresh tokens and their email-verification tokens.
 * Invariants: an email is stored lowercased and is unique among live (not soft-deleted)
 * accounts; a token table stores only a hash of each token, never the token itself.
 */
import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true, mode: 'date' } as const;

/**
 * One account. `email` is lowercased on the way in (a CHECK refuses anything else), so the
 * partial unique index makes emails case-insensitively unique among accounts with no
 * `deletedAt`; a soft-deleted account keeps its row (history references it) but frees its email.
 */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    /** The language mails are written in (`en`, `vi`), from the sign-up's `locale` or `Accept-Language`. */
    locale: text('locale').notNull().default('en'),
    passwordHash: text('password_hash').notNull(),
    emailVerifiedAt: timestamp('email_verified_at', tz),
    /** Platform-wide roles, e.g. `['admin']` for an operator who approves events. */
    platformRoles: text('platform_roles').array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', tz).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', tz),
  },
  (t) => [
    uniqueIndex('users_email_live_uq').on(t.email).where(sql`${t.deletedAt} is null`),
    check('users_email_lowercase_ck', sql`${t.email} = lower(${t.email})`),
  ],
);

/**
 * A refresh token (opaque to the client; only its SHA-256 is stored). Rotation revokes the
 * presented token and points `replacedById` at its successor in the same `familyId`, so a
 * revoked token that is presented again is recognisably a replay.
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    familyId: uuid('family_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: timestamp('created_at', tz).notNull(),
    expiresAt: timestamp('expires_at', tz).notNull(),
    revokedAt: timestamp('revoked_at', tz),
    replacedById: uuid('replaced_by_id'),
    userAgent: text('user_agent'),
  },
  (t) => [
    uniqueIndex('refresh_tokens_token_hash_uq').on(t.tokenHash),
    index('refresh_tokens_user_live_ix').on(t.userId).where(sql`${t.revokedAt} is null`),
  ],
);

/** A single-use email-verification link: `usedAt` is set exactly once, by a conditional update. */
export const emailVerificationTokens = pgTable(
  'email_verification_tokens',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    createdAt: timestamp('created_at', tz).notNull(),
    expiresAt: timestamp('expires_at', tz).notNull(),
    usedAt: timestamp('used_at', tz),
  },
  (t) => [uniqueIndex('email_verification_tokens_token_hash_uq').on(t.tokenHash), index('email_verification_tokens_user_ix').on(t.userId)],
);

/** A row of `users` as read. */
export type UserRow = typeof users.$inferSelect;
/** A row of `users` to insert. */
export type NewUserRow = typeof users.$inferInsert;
/** A row of `refresh_tokens` as read. */
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;
/** A row of `email_verification_tokens` as read. */
export type EmailVerificationTokenRow = typeof emailVerificationTokens.$inferSelect;

/** The constraint names callers map to domain errors (see `db/errors.ts`). */
export const UsersConstraints = {
  emailLive: 'users_email_live_uq',
} as const;
