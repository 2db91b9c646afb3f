/**
 * The sandbox provider: canonical JSON, a local payment URL whose parameters are signed, and
 * callbacks signed in `x-tb-sandbox-signature` and verified as strictly as a real provider's.
 */
import { describe, expect, it } from 'vitest';
import { SANDBOX_SIGNATURE_HEADER, canonicalJson, createSandboxProvider, sandboxSignature, signSandboxCallback } from './sandbox.js';
import type { CallbackRequest } from './types.js';

const SECRET = 'sandbox-test-secret';
const provider = createSandboxProvider({ secret: SECRET, baseUrl: 'http://127.0.0.1:8080/' });
const body = {
  providerTxnId: 'sbx-txn-1',
  orderCode: 'TB12345',
  amountMinor: 150000,
  currency: 'VND',
  outcome: 'completed' as const,
  paidAt: 1716226260000,
};
const req = (b: string, sig?: string): CallbackRequest => ({
  headers: sig === undefined ? {} : { [SANDBOX_SIGNATURE_HEADER]: sig },
  body: b,
  query: {},
});

describe('payments - sandbox signing', () => {
  it('payments - sandbox canonical json sorts keys at every depth and ignores spacing', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: null, e: 'é' }], c: true } })).toBe('{"a":{"c":true,"d":[2,{"e":"é","f":null}]},"b":1}');
    expect(canonicalJson(JSON.parse('{ "b" : 1 ,\n "a" : 2 }'))).toBe('{"a":2,"b":1}');
  });

  it('payments - sandbox signature built step by step', () => {
    // Our own format, so no third-party vector exists: HMAC-SHA256(secret, canonical JSON), the hex
    // below computed with `printf %s '<canonical>' | openssl dgst -sha256 -hmac sandbox-test-secret`.
    const canonical =
      '{"amountMinor":150000,"currency":"VND","orderCode":"TB12345","outcome":"completed","paidAt":1716226260000,"providerTxnId":"sbx-txn-1"}';
    expect(canonicalJson(body)).toBe(canonical);
    expect(sandboxSignature(SECRET, body)).toBe('e5e206b96675e8309d7b403a6c92dcc41b49dc1029cbb213b58e058c3b55213d');
  });
});

describe('payments - sandbox create', () => {
  it('payments - sandbox create returns a local payment URL with signed parameters', async () => {
    const http = async () => {
      throw new Error('the sandbox makes no HTTP call');
    };
    const res = await provider.createPayment(
      {
        orderCode: 'TB12345',
        amountMinor: 150000,
        currency: 'VND',
        description: 'd',
        returnUrl: 'http://127.0.0.1:8080/done',
        callbackUrl: 'http://127.0.0.1:8080/webhooks/sandbox',
      },
      { http, now: () => 0 },
    );
    const url = new URL(res.paymentUrl);
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:8080/sandbox/pay/sbx_TB12345');
    const { sig, ...page } = Object.fromEntries(url.searchParams);
    expect(page).toEqual({
      orderCode: 'TB12345',
      amountMinor: '150000',
      currency: 'VND',
      returnUrl: 'http://127.0.0.1:8080/done',
      callbackUrl: 'http://127.0.0.1:8080/webhooks/sandbox',
    });
    expect(sig).toBe(sandboxSignature(SECRET, page));
    expect(res.providerRef).toBe('sbx_TB12345');
  });
});

describe('payments - sandbox callback', () => {
  it('payments - sandbox verify accepts a signed callback', () => {
    const signed = signSandboxCallback(SECRET, body);
    expect(signed.headers[SANDBOX_SIGNATURE_HEADER]).toBe('e5e206b96675e8309d7b403a6c92dcc41b49dc1029cbb213b58e058c3b55213d');
    expect(provider.verifyCallback({ headers: signed.headers, body: signed.body, query: {} })).toEqual({
      ok: true,
      event: {
        provider: 'sandbox',
        providerTxnId: 'sbx-txn-1',
        orderCode: 'TB12345',
        amountMinor: 150000,
        currency: 'VND',
        outcome: 'completed',
        raw: body,
      },
    });
    // Key order and spacing of the body do not matter: the signature covers the canonical form.
    const respaced = JSON.stringify(
      { paidAt: body.paidAt, outcome: 'completed', currency: 'VND', amountMinor: 150000, orderCode: 'TB12345', providerTxnId: 'sbx-txn-1' },
      null,
      2,
    );
    expect(provider.verifyCallback(req(respaced, sandboxSignature(SECRET, body))).ok).toBe(true);
  });

  it('payments - sandbox verify refuses forged, altered and malformed callbacks', () => {
    const sig = sandboxSignature(SECRET, body);
    const reason = (b: string, s?: string) => (provider.verifyCallback(req(b, s)) as { reason?: string }).reason;
    expect(reason(JSON.stringify({ ...body, amountMinor: 1 }), sig)).toBe('bad_signature');
    expect(reason(JSON.stringify({ ...body, orderCode: 'TB99999' }), sig)).toBe('bad_signature');
    expect(reason(JSON.stringify(body), sandboxSignature('wrong-secret', body))).toBe('bad_signature');
    expect(reason(JSON.stringify(body))).toBe('missing_signature');
    expect(reason(JSON.stringify(body), sig.slice(1))).toBe('bad_signature');
    for (const bad of ['', 'nope', '[]', '{"a":1}']) expect(provider.verifyCallback(req(bad, sig)).ok).toBe(false);
    const noOutcome = { ...body, outcome: 'maybe' };
    expect(reason(JSON.stringify(noOutcome), sandboxSignature(SECRET, noOutcome))).toBe('malformed');
  });

  it('payments - sandbox answers with plain HTTP statuses', () => {
    expect(provider.callbackAnswer({ type: 'accepted' }).status).toBe(200);
    expect(provider.callbackAnswer({ type: 'rejected', reason: 'bad_signature' }).status).toBe(401);
    expect(provider.callbackAnswer({ type: 'retry_later' }).status).toBe(503);
  });
});
