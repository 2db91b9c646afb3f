/**
 * @module accounts/password-policy.test
 * Pure tests of the password rules: each rule alone, their combination, and the boundaries.
 */
import { describe, expect, it } from 'vitest';
import { MIN_PASSWORD_LENGTH, PasswordProblem, passwordProblems } from './password-policy.js';

const email = 'alice.nguyen@example.com';

describe('password policy', () => {
  it('accepts a long mixed password', () => {
    expect(passwordProblems('correct Horse battery 7', email)).toEqual([]);
    expect(passwordProblems('Tr0ub4dor&3x', email)).toEqual([]);
  });

  it('refuses passwords shorter than the minimum, counting characters not bytes', () => {
    expect(passwordProblems('Ab1!Ab1!A', email)).toEqual([PasswordProblem.TooShort]);
    expect(passwordProblems('Ab1!Ab1!Ab', email)).toEqual([]);
    expect(MIN_PASSWORD_LENGTH).toBe(10);
    // 9 emoji are 18 UTF-16 units but 9 characters.
    expect(passwordProblems('a😀😀😀😀😀😀😀😀', email)).toContain(PasswordProblem.TooShort);
  });

  it('refuses an overly long password', () => {
    expect(passwordProblems('aB3'.repeat(100), email)).toContain(PasswordProblem.TooLong);
  });

  it('refuses a single character class', () => {
    expect(passwordProblems('kjhgfdsaqwmnbv', email)).toEqual([PasswordProblem.OneCharacterClass]);
    expect(passwordProblems('KJHGFDSAQWMNBV', email)).toEqual([PasswordProblem.OneCharacterClass]);
    expect(passwordProblems('83749201746', email)).toEqual([PasswordProblem.OneCharacterClass]);
    expect(passwordProblems('!@#$%^&*()_+', email)).toEqual([PasswordProblem.OneCharacterClass]);
  });

  it('refuses common passwords, also when decorated with digits and symbols', () => {
    expect(passwordProblems('Password123!', email)).toEqual([PasswordProblem.Common]);
    expect(passwordProblems('QWERTY!2024', email)).toEqual([PasswordProblem.Common]);
    expect(passwordProblems('1q2w3e4r5t', email)).toContain(PasswordProblem.Common);
    expect(passwordProblems('1234567890', email)).toEqual([PasswordProblem.OneCharacterClass, PasswordProblem.Common]);
  });

  it("refuses a password containing the email's local part, ignoring case", () => {
    expect(passwordProblems('xx-Alice.Nguyen-42', email)).toEqual([PasswordProblem.ContainsEmailName]);
  });

  it('ignores a local part shorter than 3 characters', () => {
    expect(passwordProblems('Xyz-ab-98765', 'ab@example.com')).toEqual([]);
  });

  it('reports every broken rule at once', () => {
    expect(passwordProblems('alice', 'alice@example.com')).toEqual([
      PasswordProblem.TooShort,
      PasswordProblem.OneCharacterClass,
      PasswordProblem.ContainsEmailName,
    ]);
  });
});
