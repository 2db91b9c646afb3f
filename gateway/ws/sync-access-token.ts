/**
 * @module gateway/ws/sync-access-token
 * A synchronous check of an access token's HS256 signature and claims, for the WebSocket
 * upgrade: the upgrade must be decided and completed inside uWS's `upgrade` handler, never from
 * a promise continuation (an asynchronous `res.cork(() => res.upgrade(…))` sometimes shuts the
 * fresh socket: uNetworking/uWebSockets.js#1108, docs/websocket.md), and jose's HMAC is
 * asynchronous (WebCrypto). Same secret, issuer, audience and `typ` as the account service
 * (`accounts/tokens.ts`, which keeps issuing with jose); the account checks that need I/O
 * (deleted user, fresh roles) run after `open`. Invariant: a token passes here only if jose
 * would accept its signature and claims too; "expired" is said only for a valid signature.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ACCESS_AUDIENCE, TOKEN_ISSUER } from '../../accounts/index.js';
import { TbError } from '../../contracts/index.js';

/** `typ` of access tokens (`accounts/tokens.ts`). */
const ACCESS_TYP = 'at+jwt';
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** The subject of a token that passed the synchronous check. */
export interface SyncAccessClaims {
  userId: string;
  /** `exp`, seconds since epoch. */
  exp: number;
}

/** Checks a token at once: returns its subject or throws `AUTH_TOKEN_INVALID` / `AUTH_TOKEN_EXPIRED` (401). */
export type SyncAccessTokenCheck = (token: string) => SyncAccessClaims;

function json(segment: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A synchronous access-token check with `secret` (the account service's `TB_JWT_SECRET`).
 * Checks, like `jwtVerify` with the account service's options: three base64url segments,
 * header `alg: HS256` and `typ: at+jwt` with no `crit`, the HMAC-SHA256 signature (constant
 * time), `iss`, `aud`, a string `sub`, numeric `iat` and `exp`, `nbf` if present; expired when
 * `exp <= now` (whole seconds), as jose says.
 */
export function syncAccessTokenCheck(secret: string, now: () => number = Date.now): SyncAccessTokenCheck {
  const key = Buffer.from(secret, 'utf8');
  const invalid = () => new TbError('AUTH_TOKEN_INVALID');
  return (token) => {
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) throw invalid();
    const [h, p, s] = parts as [string, string, string];
    const header = json(h);
    if (header?.['alg'] !== 'HS256' || header['typ'] !== ACCESS_TYP || 'crit' in header) throw invalid();
    const expected = createHmac('sha256', key).update(`${h}.${p}`).digest();
    const given = Buffer.from(s, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    const claims = json(p);
    if (!claims) throw invalid();
    const { sub, iss, aud, exp, iat, nbf } = claims;
    const audOk = aud === ACCESS_AUDIENCE || (Array.isArray(aud) && aud.includes(ACCESS_AUDIENCE));
    if (typeof sub !== 'string' || sub.length === 0 || iss !== TOKEN_ISSUER || !audOk) throw invalid();
    if (typeof exp !== 'number' || !Number.isFinite(exp) || typeof iat !== 'number' || !Number.isFinite(iat)) throw invalid();
    const nowSec = Math.floor(now() / 1000);
    if (nbf !== undefined && (typeof nbf !== 'number' || nbf > nowSec)) throw invalid();
    if (exp <= nowSec) throw new TbError('AUTH_TOKEN_EXPIRED');
    return { userId: sub, exp };
  };
}
