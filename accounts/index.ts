/**
 * @module accounts
 * The account service (users in PostgreSQL): registration, sign-in with access + rotating
 * refresh tokens, profile, email verification, soft delete, batch lookup; plus the TypeBox
 * schemas of its routes. Other folders import only from here.
 */
export {
  createAccounts,
  accountsConfigFrom,
  DEFAULT_ACCESS_TTL_SEC,
  DEFAULT_REFRESH_TTL_SEC,
  DEFAULT_EMAIL_VERIFICATION_TTL_SEC,
} from './create-accounts.js';
export { LogMailer, MemoryMailer, firstLink } from './mailer.js';
export { passwordProblems, PasswordProblem, MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH } from './password-policy.js';
export { BATCH_LOOKUP_LIMIT } from './profile.js';
export { VERIFY_EMAIL_PATH } from './email-verification.js';
export { TOKEN_ISSUER, ACCESS_AUDIENCE } from './tokens.js';
export { createLoginThrottle, openLoginThrottleBucket, decideAttempt, LOGIN_THROTTLE_BUCKET } from './login-throttle.js';
export {
  UserId,
  Email,
  Password,
  NewPassword,
  DisplayName,
  RegisterBody,
  LoginBody,
  RefreshBody,
  UpdateProfileBody,
  ChangePasswordBody,
  VerifyEmailQuery,
  BatchLookupBody,
  BatchLookupResult,
  PublicUser,
  Profile,
  LoginResult,
  VerificationRequested,
} from './schemas.js';

export type { LoginThrottle, LoginThrottleOptions, ThrottleState } from './login-throttle.js';
export type { Accounts, AccountsDeps, AccountsConfig, AccountsLogger, AccessClaims, Mail, Mailer } from './types.js';
