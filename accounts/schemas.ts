/**
 * @module accounts/schemas
 * TypeBox schemas of the account routes' bodies and results, for the gateway's validation and
 * OpenAPI document. No `format` keywords: patterns only, so a plain `TypeCompiler` check works
 * without a format registry. Public shapes never contain a password hash or a role list of others.
 * Text typed by users (email, password, display name) refuses control characters (C0, DEL, C1):
 * PostgreSQL refuses NUL in text, and the others only hide or spoof what is shown.
 */
import { Type, type Static } from '@sinclair/typebox';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password-policy.js';

const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** An account id. */
export const UserId = Type.String({ pattern: UUID_PATTERN, description: 'account id (UUID)' });
/** Control characters: C0, DEL and C1 (a regex character-class body). */
const CONTROL = '\\u0000-\\u001f\\u007f-\\u009f';
/** An email address; compared case-insensitively and stored lowercased. */
export const Email = Type.String({
  minLength: 3,
  maxLength: 254,
  examples: ['alice@example.com'],
  pattern: `^[^\\s@${CONTROL}]+@[^\\s@${CONTROL}]+\\.[^\\s@${CONTROL}]+$`,
});
/** A password as typed, without control characters; strength is checked by the service (`ACCOUNT_PASSWORD_TOO_WEAK`). */
export const Password = Type.String({ minLength: 1, maxLength: 256, pattern: `^[^${CONTROL}]+$`, examples: ['Blue-kettle-42-river'] });
/**
 * A new password (sign-up, change): the policy of `password-policy.ts`. The service checks it so
 * that a weak password is 400 `ACCOUNT_PASSWORD_TOO_WEAK` with every broken rule in
 * `details.reasons`; `x-documented` carries the same rules into the OpenAPI document.
 */
export const NewPassword = Type.String({
  minLength: 1,
  maxLength: MAX_PASSWORD_LENGTH,
  pattern: `^[^${CONTROL}]+$`,
  examples: ['Blue-kettle-42-river'],
  'x-documented': { minLength: MIN_PASSWORD_LENGTH },
  description:
    `${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters, of at least two kinds (lowercase, uppercase, digits, others); ` +
    'not a common password (digits and symbols around one do not count); must not contain the part of the email before @. ' +
    'A password that breaks a rule is refused with 400 ACCOUNT_PASSWORD_TOO_WEAK, `details.reasons` naming each rule ' +
    '(too_short, too_long, one_character_class, common_password, contains_email_name).',
});
/** A display name, 1–80 characters, at least one of them not white space, no control characters. */
export const DisplayName = Type.String({
  minLength: 1,
  maxLength: 80,
  examples: ['Alice'],
  pattern: `^[^${CONTROL}]*[^\\s${CONTROL}][^${CONTROL}]*$`,
});

/** POST /auth/register */
export const RegisterBody = Type.Object(
  {
    email: Email,
    password: NewPassword,
    displayName: DisplayName,
    locale: Type.Optional(
      Type.String({
        maxLength: 35,
        pattern: '^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$',
        description: "language of the account's mails (en, vi); default: from Accept-Language",
      }),
    ),
  },
  { additionalProperties: false },
);
/** POST /auth/login */
export const LoginBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false });
/** POST /auth/refresh and POST /auth/logout */
export const RefreshBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false });
/** PATCH /me */
export const UpdateProfileBody = Type.Object({ displayName: DisplayName }, { additionalProperties: false });
/** POST /me/password */
export const ChangePasswordBody = Type.Object({ currentPassword: Password, newPassword: NewPassword }, { additionalProperties: false });
/** GET /auth/verify-email?token= */
export const VerifyEmailQuery = Type.Object({ token: Type.String({ minLength: 1, maxLength: 2048 }) });
/** POST /users/lookup */
export const BatchLookupBody = Type.Object({ ids: Type.Array(UserId, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false });

/** An account as others may see it: no hash, no roles, no deletion marker. */
export const PublicUser = Type.Object(
  {
    id: UserId,
    email: Type.String(),
    displayName: Type.String(),
    emailVerified: Type.Boolean(),
    createdAt: Type.String({ description: 'ISO 8601 timestamp' }),
  },
  { title: 'PublicUser' },
);
export type PublicUser = Static<typeof PublicUser>;

/** The caller's own account: the public fields plus platform roles. */
export const Profile = Type.Composite([PublicUser, Type.Object({ roles: Type.Array(Type.String()) })], { title: 'Profile' });
export type Profile = Static<typeof Profile>;

/** Result of login and refresh. `expiresIn` is the access token's lifetime in seconds. */
export const LoginResult = Type.Object(
  {
    accessToken: Type.String(),
    refreshToken: Type.String(),
    tokenType: Type.Literal('Bearer'),
    expiresIn: Type.Integer(),
    user: PublicUser,
  },
  { title: 'LoginResult' },
);
export type LoginResult = Static<typeof LoginResult>;

/** Result of requesting a verification email. */
export const VerificationRequested = Type.Object({ expiresAt: Type.String() });
export type VerificationRequested = Static<typeof VerificationRequested>;

/** Result of a batch lookup. */
export const BatchLookupResult = Type.Object({ users: Type.Array(PublicUser) });
export type BatchLookupResult = Static<typeof BatchLookupResult>;

/** True when `s` looks like a UUID (so it can be bound to a `uuid` column without a cast error). */
export function isUuid(s: unknown): s is string {
  return typeof s === 'string' && s.length === 36 && UUID_RE.test(s);
}
const UUID_RE = new RegExp(UUID_PATTERN);
