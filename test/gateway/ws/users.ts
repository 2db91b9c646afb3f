/**
 * @module test/gateway/ws/users
 * Many signed-in users, fast, for WebSocket tests and `bench:queue`: rows inserted in one
 * statement (no password hashing: these accounts cannot sign in with a password) and access
 * tokens minted with the same key, issuer, audience and `typ` the account service verifies.
 * Test and benchmark support only: nothing in production imports it.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ACCESS_AUDIENCE, TOKEN_ISSUER } from '../../../accounts/index.js';
import type { DbHandle } from '../../../db/index.js';

/** A user with a valid access token. */
export interface MintedUser {
  id: string;
  token: string;
}

/** Insert `n` users and mint an access token for each (valid `ttlSec`, default 1 hour). */
export async function mintUsers(db: DbHandle, jwtSecret: string, n: number, ttlSec = 3_600): Promise<MintedUser[]> {
  const run = randomUUID().slice(0, 8);
  const ids: string[] = [];
  for (let from = 1; from <= n; from += 10_000) {
    const to = Math.min(n, from + 9_999);
    const rows = await db.sql<{ id: string }[]>`
      insert into users (email, display_name, password_hash)
      select 'ws' || g || '.' || ${run} || '@example.com', 'ws ' || g, 'no-password-login'
      from generate_series(${from}::int, ${to}::int) g
      returning id`;
    ids.push(...rows.map((r) => r.id));
  }
  const key = new TextEncoder().encode(jwtSecret);
  const iat = Math.floor(Date.now() / 1000);
  return Promise.all(
    ids.map(async (id) => ({
      id,
      token: await new SignJWT({ roles: [] })
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
        .setSubject(id)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(ACCESS_AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSec)
        .setJti(randomUUID())
        .sign(key),
    })),
  );
}
