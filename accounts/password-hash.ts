/**
 * @module accounts/password-hash
 * Memory-hard password hashing (Argon2id, OWASP parameters) and the dummy hash that makes a
 * login for an unknown email cost the same as one for a known email. Hashes are PHC strings
 * (`$argon2id$v=19$m=…`), so parameters can change later without breaking old hashes.
 */
import { randomBytes } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';

// `Algorithm` is an ambient const enum (not importable as a value under verbatimModuleSyntax): 2 = Argon2id.
const ARGON2ID = 2 as Algorithm;

/** OWASP Password Storage Cheat Sheet: Argon2id, m = 19 MiB, t = 2, p = 1. */
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hash `password` with Argon2id and a fresh random salt (runs on libuv's thread pool). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/**
 * True when `password` matches `passwordHash`. A malformed hash counts as a mismatch, never a
 * throw, so a corrupt row cannot be told apart from a wrong password.
 */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Verify `password` against a hash of a random secret, and return false. Called when the
 * email is unknown so that the response time does not reveal whether an account exists.
 */
export async function burnPasswordCheck(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(24).toString('base64url'));
  await verifyPassword(await dummy, password);
  return false;
}
