/**
 * The platform's code check (re-sign and compare, answers remembered) agrees with a scanner's
 * public-key verification on every good code, and both refuse an altered code, including one whose
 * only change is a spare bit of the signature's last base64url character (it decodes to the same
 * 64 bytes, so a plain `verify` of the decoded bytes accepted it).
 */
import { describe, expect, it } from 'vitest';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createTicketSigner, developmentSigningKey, verifyWith } from '../../tickets/codes.js';

describe('ticket codes', () => {
  const key = developmentSigningKey();
  const signer = createTicketSigner(key);
  const pub = createPublicKey(key);
  const good = signer.sign({ ticketId: 'ord_a-1', eventId: 'ev_1', classId: 'ga' });

  it("the platform check and a scanner's verify agree on a good code, and the second check is remembered", () => {
    expect(verifyWith(pub, good)).toEqual({ ticketId: 'ord_a-1', eventId: 'ev_1', classId: 'ga' });
    expect(signer.verify(good)).toEqual(verifyWith(pub, good));
    expect(signer.verify(good)).toBe(signer.verify(good));
    expect(createTicketSigner(key).verify(`${good}.123.AAAAAAAAAAA`)).toMatchObject({ rotating: { step: 123, otp: 'AAAAAAAAAAA' } });
  });

  it('a spare-bit change of the last signature character, a changed claim, another key: refused by both', () => {
    const sig = good.split('.')[4]!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sig.at(-1)!);
    const twin = `${good.slice(0, -1)}${alphabet[last ^ 1]}`; // same 64 bytes once decoded
    expect(Buffer.from(twin.split('.')[4]!, 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
    for (const bad of [
      twin,
      good.replace('ord_a-1', 'ord_a-2'),
      createTicketSigner(generateKeyPairSync('ed25519').privateKey).sign({ ticketId: 'ord_a-1', eventId: 'ev_1', classId: 'ga' }),
    ]) {
      expect(signer.verify(bad)).toEqual({ type: 'bad_signature' });
      expect(verifyWith(pub, bad)).toEqual({ type: 'bad_signature' });
    }
    expect(signer.verify('TB1.x')).toEqual({ type: 'malformed' });
  });
});
