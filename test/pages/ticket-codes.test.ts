/**
 * @module test/pages/ticket-codes.test
 * The browser's ticket-code module (web/src/ticket-codes.ts, WebCrypto) agrees with the server's
 * (tickets/codes.ts, node:crypto) on every derivation a phone or a gate makes: the rotating code
 * of a step, a ticket's secret from the event key, the liveness window, the Ed25519 signature of
 * codes and of the offline list. Runs in Node's WebCrypto: no browser, no services.
 */
import { describe, expect, it } from 'vitest';
import {
  createTicketSigner,
  developmentSigningKey,
  eventRotationKey,
  isLiveOtp as serverLive,
  otpOf as serverOtp,
  rotatingCode,
  ticketRotationSecret,
} from '../../tickets/codes.js';
import {
  importPublicKey,
  isLiveOtp,
  otpOf,
  parseCode,
  rotatingCodeAt,
  stepOf,
  ticketSecretOf,
  verifyCodeSignature,
  verifyOfflineList,
  type OfflineList,
} from '../../web/src/ticket-codes.js';

const signer = createTicketSigner(developmentSigningKey());
const claims = { ticketId: 'ord_abc123-2', eventId: 'ev_7Xy', classId: 'cls_9' };

describe('web ticket codes', () => {
  it('derives the same ticket secret, otp and rotating code as the server', async () => {
    const eventKey = eventRotationKey('rotation-secret-for-test', claims.eventId);
    const secret = ticketRotationSecret(eventKey, claims.ticketId);
    expect(await ticketSecretOf(eventKey, claims.ticketId)).toBe(secret);
    const code = signer.sign(claims);
    for (const now of [0, 1_700_000_000_000, 1_764_000_000_123, 4_102_444_800_000]) {
      for (const period of [5, 15, 300]) {
        const step = stepOf(now, period);
        expect(await otpOf(secret, step)).toBe(serverOtp(secret, step));
        expect(await rotatingCodeAt(code, secret, step)).toBe(rotatingCode(code, secret, now, period));
      }
    }
  });

  it('judges liveness like the server: the current and `window` older steps, one ahead, nothing else', async () => {
    const secret = ticketRotationSecret(eventRotationKey('s', 'ev'), 't-1');
    const now = 1_764_000_000_000;
    const cur = stepOf(now, 15);
    for (const step of [cur - 3, cur - 2, cur - 1, cur, cur + 1, cur + 2]) {
      const rot = { step, otp: serverOtp(secret, step) };
      expect([step - cur, await isLiveOtp(rot, secret, now, 15, 1)]).toEqual([step - cur, serverLive(rot, secret, now, 15, 1)]);
    }
    expect(await isLiveOtp({ step: cur, otp: serverOtp(secret, cur - 1) }, secret, now, 15, 1)).toBe(false);
  });

  it('verifies the platform signature of codes with the published key, and refuses altered ones', async () => {
    const key = await importPublicKey(signer.publicJwk);
    const code = signer.sign(claims);
    const p = parseCode(code)!;
    expect([p.ticketId, p.eventId, p.classId, p.rotating]).toEqual([claims.ticketId, claims.eventId, claims.classId, undefined]);
    expect(await verifyCodeSignature(key, p)).toBe(true);
    const otherEvent = parseCode(code.replace(`.${claims.eventId}.`, '.ev_other.'))!;
    expect(await verifyCodeSignature(key, otherEvent)).toBe(false);
    const sig = p.sig;
    const flipped = parseCode(code.replace(sig, (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)))!;
    expect(await verifyCodeSignature(key, flipped)).toBe(false);
    const rot = parseCode(`${code}.123.abcdefghijk`)!;
    expect(rot.rotating).toEqual({ step: 123, otp: 'abcdefghijk' });
    for (const bad of ['', `TB2.a.b.c.${sig}`, `${code}.x`, `${code}.1.short`, `TB1.a b.c.d.${sig}`, code.slice(0, -1)])
      expect(parseCode(bad)).toBeUndefined();
  });

  it('verifies the offline list as the server signs it, and refuses a changed one', async () => {
    const key = await importPublicKey(signer.publicJwk);
    const body = {
      eventId: 'ev_1',
      listId: null,
      generatedAt: 1_764_000_000_000,
      keyId: signer.keyId,
      rotating: { eventKey: 'k', periodSeconds: 15, windowSteps: 1 },
      tickets: [{ ticketId: 't-1', classId: 'c', status: 'valid' }],
    };
    // What the client receives: the server's JSON, parsed.
    const list = JSON.parse(JSON.stringify({ ...body, signature: signer.signBytes(Buffer.from(JSON.stringify(body))) })) as OfflineList;
    expect(await verifyOfflineList(key, list)).toBe(true);
    expect(await verifyOfflineList(key, { ...list, tickets: [{ ticketId: 't-1', classId: 'c', status: 'checkedIn' }] })).toBe(false);
    expect(await verifyOfflineList(key, { ...list, signature: `${list.signature.slice(1)}A` })).toBe(false);
  });
});
