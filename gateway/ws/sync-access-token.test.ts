/**
 * @module gateway/ws/sync-access-token.test
 * The synchronous access-token check agrees with jose (`accounts/tokens.ts`): it accepts what
 * the account service signs, and refuses forged, re-signed, `alg: none`, wrong-typ, wrong-audience
 * and expired tokens with the same codes; "expired" only for a valid signature.
 */
import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ACCESS_AUDIENCE, TOKEN_ISSUER } from '../../accounts/index.js';
import { TbError } from '../../contracts/index.js';
import { syncAccessTokenCheck } from './sync-access-token.js';

const SECRET = 'sync-token-test-secret-0123456789abcdef';
const NOW = 1_800_000_000_000;
const key = new TextEncoder().encode(SECRET);

function sign(over: { typ?: string; aud?: string; iss?: string; exp?: number; secret?: string; sub?: string } = {}): Promise<string> {
  const iat = Math.floor(NOW / 1000) - 10;
  return new SignJWT({ roles: [] })
    .setProtectedHeader({ alg: 'HS256', typ: over.typ ?? 'at+jwt' })
    .setSubject(over.sub ?? 'user-1')
    .setIssuer(over.iss ?? TOKEN_ISSUER)
    .setAudience(over.aud ?? ACCESS_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(over.exp ?? iat + 900)
    .setJti('j1')
    .sign(over.secret ? new TextEncoder().encode(over.secret) : key);
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const codeOf = (f: () => unknown): string => {
  try {
    f();
    return 'accepted';
  } catch (err) {
    return err instanceof TbError ? err.code : `threw ${String(err)}`;
  }
};

describe('gateway ws - synchronous access-token check', () => {
  const check = syncAccessTokenCheck(SECRET, () => NOW);

  it('accepts a token the account service signs, with its subject', async () => {
    expect(check(await sign())).toMatchObject({ userId: 'user-1' });
  });

  it('refuses forged and malformed tokens with AUTH_TOKEN_INVALID', async () => {
    const good = await sign();
    const [h, p] = good.split('.') as [string, string, string];
    const forgedClaims = b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'admin' });
    const cases = [
      await sign({ secret: 'another-secret-another-secret-0123' }),
      `${h}.${forgedClaims}.${good.split('.')[2]}`, // claims changed, old signature
      `${b64({ alg: 'none', typ: 'at+jwt' })}.${p}.`, // alg none
      `${b64({ alg: 'HS512', typ: 'at+jwt' })}.${p}.${createHmac('sha512', SECRET)
        .update(`${b64({ alg: 'HS512', typ: 'at+jwt' })}.${p}`)
        .digest('base64url')}`,
      await sign({ typ: 'tb-verify-email+jwt' }), // a verification link is not an access token
      await sign({ aud: 'ticketbottle-verify-email' }),
      await sign({ iss: 'someone-else' }),
      'not.a.jwt',
      'a.b',
      '',
      `${h}.${p}.${'A'.repeat(43)}`,
    ];
    for (const t of cases)
      expect(
        codeOf(() => check(t)),
        t,
      ).toBe('AUTH_TOKEN_INVALID');
  });

  it('says AUTH_TOKEN_EXPIRED only for a valid signature, from exp on (whole seconds), like jose', async () => {
    const nowSec = Math.floor(NOW / 1000);
    expect(codeOf(() => check('x'))).toBe('AUTH_TOKEN_INVALID');
    const atExp = await sign({ exp: nowSec });
    expect(codeOf(() => check(atExp))).toBe('AUTH_TOKEN_EXPIRED');
    const justValid = await sign({ exp: nowSec + 1 });
    expect(codeOf(() => check(justValid))).toBe('accepted');
    const expiredForged = await sign({ exp: nowSec, secret: 'another-secret-another-secret-0123' });
    expect(codeOf(() => check(expiredForged))).toBe('AUTH_TOKEN_INVALID');
  });
});
