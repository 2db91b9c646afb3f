/**
 * @module accounts/tokens
 * Every token the account service issues. Access tokens and verification links are HS256 JWTs
 * (jose) with a distinct `typ` and audience each, so one can never stand in for the other;
 * refresh tokens are opaque random strings. Only SHA-256 digests of refresh and verification
 * tokens are stored, so a database dump yields no usable token.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';

/** `iss` of every token this service signs. */
export const TOKEN_ISSUER = 'ticketbottle';
/** `aud` and `typ` of access tokens. */
export const ACCESS_AUDIENCE = 'ticketbottle-api';
const ACCESS_TYP = 'at+jwt';
/** `aud` and `typ` of email-verification tokens. */
export const VERIFY_EMAIL_AUDIENCE = 'ticketbottle-verify-email';
const VERIFY_EMAIL_TYP = 'tb-verify-email+jwt';

/** Why a JWT was refused; callers map it to their own error code. */
export type JwtFailure = 'expired' | 'invalid';

/** The HS256 key for `secret`. */
export function signingKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Sign an access token for `userId` with `roles`, valid `ttlSec` from `nowMs`. */
export function signAccessToken(key: Uint8Array, userId: string, roles: string[], nowMs: number, ttlSec: number): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ roles })
    .setProtectedHeader({ alg: 'HS256', typ: ACCESS_TYP })
    .setSubject(userId)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(ACCESS_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSec)
    .setJti(randomUUID())
    .sign(key);
}

/** Sign a verification token for the link row `tokenId` of `userId`. */
export function signVerifyEmailToken(key: Uint8Array, userId: string, tokenId: string, nowMs: number, ttlSec: number): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: VERIFY_EMAIL_TYP })
    .setSubject(userId)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(VERIFY_EMAIL_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSec)
    .setJti(tokenId)
    .sign(key);
}

/** The verified subject (and `jti`) of a token, or why it was refused. */
export type JwtCheck = { ok: true; sub: string; jti: string | undefined; exp?: number } | { ok: false; failure: JwtFailure };

async function check(token: string, key: Uint8Array, audience: string, typ: string, nowMs: number): Promise<JwtCheck> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: TOKEN_ISSUER,
      audience,
      typ,
      currentDate: new Date(nowMs),
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    return { ok: true, sub: payload.sub!, jti: payload.jti, exp: payload.exp! };
  } catch (err) {
    // Only a token that is otherwise valid gets JWTExpired: jose checks the signature first.
    return { ok: false, failure: err instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
  }
}

/** Most verified access tokens remembered per key (oldest forgotten first). */
const VERIFIED_MAX = 100_000;
const verifiedByKey = new WeakMap<Uint8Array, Map<string, { sub: string; jti: string | undefined; exp: number }>>();

/**
 * Check an access token's signature, issuer, audience, `typ` and expiry at `nowMs`. A token
 * that passed once is remembered until it expires: its signature and claims cannot change, only
 * the clock can, and jose's HMAC goes through WebCrypto's job queue (an eighth of a busy
 * gateway's CPU in a rehearsal, where every buyer sends the same token dozens of times).
 */
export async function checkAccessToken(token: string, key: Uint8Array, nowMs: number): Promise<JwtCheck> {
  let verified = verifiedByKey.get(key);
  if (!verified) verifiedByKey.set(key, (verified = new Map()));
  const hit = verified.get(token);
  // jose's rule: expired once exp <= now (whole seconds).
  if (hit)
    return hit.exp <= Math.floor(nowMs / 1000) ? { ok: false, failure: 'expired' } : { ok: true, sub: hit.sub, jti: hit.jti, exp: hit.exp };
  const r = await check(token, key, ACCESS_AUDIENCE, ACCESS_TYP, nowMs);
  if (r.ok && r.exp !== undefined) {
    verified.set(token, { sub: r.sub, jti: r.jti, exp: r.exp });
    if (verified.size > VERIFIED_MAX) verified.delete(verified.keys().next().value!);
  }
  return r;
}

/** Check a verification token's signature, issuer, audience, `typ` and expiry at `nowMs`. */
export function checkVerifyEmailToken(token: string, key: Uint8Array, nowMs: number): Promise<JwtCheck> {
  return check(token, key, VERIFY_EMAIL_AUDIENCE, VERIFY_EMAIL_TYP, nowMs);
}

/** A new opaque refresh token: 256 random bits, prefixed so secret scanners can spot a leak. */
export function newRefreshToken(): string {
  return `tbr_${randomBytes(32).toString('base64url')}`;
}

/** The stored digest of a token (SHA-256, hex). Tokens have 256 bits of entropy, so no salt is needed. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
