import { describe, expect, it } from 'vitest';
import { checkAccessToken, signAccessToken, signingKey } from './tokens.js';

describe('accounts - access token check cache', () => {
  it('a remembered token expires at the same instant as a fresh check says, and a tampered one never passes', async () => {
    const secret = 'unit-secret-unit-secret-unit-secret-0123';
    const t0 = 1_700_000_000_000;
    const token = await signAccessToken(signingKey(secret), 'u-1', [], t0, 10);
    const warm = signingKey(secret);
    expect(await checkAccessToken(token, warm, t0)).toMatchObject({ ok: true, sub: 'u-1' });
    for (const at of [t0 + 9_000, t0 + 9_999, t0 + 10_000, t0 + 60_000]) {
      const cold = signingKey(secret); // another key object: nothing remembered, jose decides
      expect([at - t0, await checkAccessToken(token, warm, at)]).toEqual([at - t0, await checkAccessToken(token, cold, at)]);
    }
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await checkAccessToken(tampered, warm, t0)).toEqual({ ok: false, failure: 'invalid' });
    expect(await checkAccessToken(token, signingKey('another-secret-another-secret-0123456'), t0)).toEqual({
      ok: false,
      failure: 'invalid',
    });
  });
});
