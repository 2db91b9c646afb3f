/**
 * @module queue/checkout-token
 * The checkout token an admitted user gets: an HS256 JWT (jose) naming the user (`sub`), the
 * event (`evt`), the queue session (`sid`) and the slot's position (`pos`), expiring with the
 * checkout slot (`exp`, at most `checkoutTtlMs` after the claim), audience `tb-checkout`. The
 * order flow verifies it; a token is useless for another user or another event.
 */
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { TbError } from '../contracts/index.js';

/** `aud` of checkout tokens, and their `typ` header: no other token of the platform can stand in. */
export const CHECKOUT_AUDIENCE = 'tb-checkout';
const CHECKOUT_TYP = 'tb-checkout+jwt';
const ISSUER = 'ticketbottle';

/** The verified claims of a checkout token. */
export interface CheckoutClaims {
  userId: string;
  eventId: string;
  sessionId: string;
  position: number;
  /** Expiry, ms since epoch (second precision). */
  expiresAt: number;
}

/** The HS256 key for `secret` (at least 16 bytes). */
export function checkoutKey(secret: string): Uint8Array {
  if (Buffer.byteLength(secret) < 16) throw new Error('the checkout secret must be at least 16 bytes (32+ recommended)');
  return new TextEncoder().encode(secret);
}

/** Sign a checkout token valid from `nowMs` until `expiresAt` (ms; rounded down to a second). */
export function signCheckoutToken(
  key: Uint8Array,
  claims: Omit<CheckoutClaims, 'expiresAt'> & { expiresAt: number },
  nowMs = Date.now(),
): Promise<string> {
  return new SignJWT({ evt: claims.eventId, sid: claims.sessionId, pos: claims.position })
    .setProtectedHeader({ alg: 'HS256', typ: CHECKOUT_TYP })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(CHECKOUT_AUDIENCE)
    .setIssuedAt(Math.floor(nowMs / 1000))
    .setExpirationTime(Math.floor(claims.expiresAt / 1000))
    .sign(key);
}

/**
 * Verify `token` for `expect.userId` on `expect.eventId` at `nowMs`. Resolves with the claims or
 * rejects with a `TbError`: `QUEUE_TOKEN_INVALID` (bad signature, shape, audience, algorithm),
 * `QUEUE_TOKEN_EXPIRED`, `QUEUE_TOKEN_WRONG_USER`, `QUEUE_TOKEN_WRONG_EVENT`. The signature is
 * checked first, so a forged token is always `INVALID`, never a more specific answer.
 */
export async function verifyCheckoutToken(
  key: Uint8Array,
  token: string,
  expect: { userId: string; eventId: string },
  nowMs = Date.now(),
): Promise<CheckoutClaims> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: CHECKOUT_AUDIENCE,
      typ: CHECKOUT_TYP,
      currentDate: new Date(nowMs),
      requiredClaims: ['sub', 'exp', 'evt', 'sid'],
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new TbError('QUEUE_TOKEN_EXPIRED', {}, { cause: err });
    throw new TbError('QUEUE_TOKEN_INVALID', {}, { cause: err });
  }
  const { sub, evt, sid, pos, exp } = payload as { sub: unknown; evt: unknown; sid: unknown; pos: unknown; exp: number };
  if (typeof sub !== 'string' || typeof evt !== 'string' || typeof sid !== 'string' || typeof pos !== 'number')
    throw new TbError('QUEUE_TOKEN_INVALID');
  if (evt !== expect.eventId) throw new TbError('QUEUE_TOKEN_WRONG_EVENT', { eventId: expect.eventId });
  if (sub !== expect.userId) throw new TbError('QUEUE_TOKEN_WRONG_USER', { userId: expect.userId });
  return { userId: sub, eventId: evt, sessionId: sid, position: pos, expiresAt: exp * 1000 };
}
