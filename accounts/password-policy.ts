/**
 * @module accounts/password-policy
 * Pure password strength rules. A password is accepted only when `passwordProblems` returns
 * an empty list; each problem is a stable reason code the client can translate.
 */

/** Stable reason codes, reported in `ACCOUNT_PASSWORD_TOO_WEAK` `details.reasons`. */
export const PasswordProblem = {
  TooShort: 'too_short',
  TooLong: 'too_long',
  OneCharacterClass: 'one_character_class',
  Common: 'common_password',
  ContainsEmailName: 'contains_email_name',
} as const;
export type PasswordProblem = (typeof PasswordProblem)[keyof typeof PasswordProblem];

/** Minimum length in characters (NIST 800-63B asks for at least 8; we ask for 10). */
export const MIN_PASSWORD_LENGTH = 10;
/** Maximum length: bounds the hashing work an attacker can request. */
export const MAX_PASSWORD_LENGTH = 256;

// The most common passwords of public breach lists, and the words they are built from:
// a password is refused when it is one of them, or when its letters alone are one of them
// ("Password123!" is "password" with decoration).
const COMMON = new Set([
  'password',
  'passw0rd',
  'p@ssw0rd',
  'qwerty',
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  'letmein',
  'welcome',
  'admin',
  'administrator',
  'iloveyou',
  'dragon',
  'monkey',
  'football',
  'baseball',
  'sunshine',
  'princess',
  'master',
  'shadow',
  'superman',
  'batman',
  'trustno',
  'whatever',
  'starwars',
  'freedom',
  'secret',
  'changeme',
  'default',
  'login',
  'access',
  'hello',
  'charlie',
  'michael',
  'jordan',
  'hunter',
  'ticket',
  'tickets',
  'ticketbottle',
  'concert',
  'abc',
  'abcdef',
  'abcdefgh',
  'abcdefghij',
  'qazwsx',
  'qweasd',
  'qwe',
  'asd',
  'zaq',
  'xsw',
  'azerty',
  'pass',
  'test',
  'testing',
  'user',
  'guest',
  'root',
  'matkhau',
  '1234567890',
  '12345678910',
  '0123456789',
  '1111111111',
  '0000000000',
  '1234512345',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  'qwerty12345',
  'qwerty123456',
  'password1',
  'password12',
  'password123',
  'iloveyou123',
  '123456789a',
  'a123456789',
  '987654321a',
  '9876543210',
  '1234567890a',
  'aa12345678',
  'abc1234567',
]);

/** Which character classes `s` uses: lowercase, uppercase, digits, anything else. */
function characterClasses(s: string): number {
  let n = 0;
  if (/\p{Ll}/u.test(s)) n++;
  if (/\p{Lu}/u.test(s)) n++;
  if (/\p{Nd}/u.test(s)) n++;
  if (/[^\p{Ll}\p{Lu}\p{Nd}]/u.test(s)) n++;
  return n;
}

/**
 * Every rule `password` breaks for an account with `email` (empty when it is acceptable):
 * shorter than 10 or longer than 256 characters; a single character class (only lowercase,
 * only digits, …); a common password (after removing digits and symbols); contains the
 * email's local part (when that is at least 3 characters), ignoring case.
 */
export function passwordProblems(password: string, email: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) problems.push(PasswordProblem.TooShort);
  if (length > MAX_PASSWORD_LENGTH) problems.push(PasswordProblem.TooLong);
  if (characterClasses(password) < 2) problems.push(PasswordProblem.OneCharacterClass);
  const lower = password.toLowerCase();
  const letters = lower.replace(/[^\p{L}]/gu, '');
  if (COMMON.has(lower) || COMMON.has(letters) || (letters.length === 0 && COMMON.has(lower.replace(/\D/g, '')))) {
    problems.push(PasswordProblem.Common);
  }
  const local = email.trim().toLowerCase().split('@')[0] ?? '';
  if (local.length >= 3 && lower.includes(local)) problems.push(PasswordProblem.ContainsEmailName);
  return problems;
}
