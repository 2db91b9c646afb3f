/**
 * Keeps the error registry and docs/errors.md in step: every key equals its `.code`, every
 * code is documented, every documented code exists, and the registry's facts are sane.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, renderMessage } from './errors.js';
import { TbError } from './tb-error.js';

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
const documented = new Set([...doc.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]!));

describe('contracts - error registry', () => {
  it('uses each key as its code, in AREA_REASON form, with a 4xx/5xx status', () => {
    for (const [key, spec] of Object.entries(ErrorCodes)) {
      expect(spec.code).toBe(key);
      expect(key).toMatch(/^(INTERNAL|[A-Z]+_[A-Z0-9_]+)$/);
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.status).toBeLessThan(600);
    }
  });

  it('documents every code in docs/errors.md', () => {
    const missing = Object.keys(ErrorCodes).filter((c) => !documented.has(c));
    expect(missing).toEqual([]);
  });

  it('documents no code that does not exist', () => {
    const unknown = [...documented].filter((c) => !(c in ErrorCodes));
    expect(unknown).toEqual([]);
  });

  it('renders templates and keeps the cause out of the message', () => {
    expect(renderMessage('CODEC_PAYLOAD_TOO_LARGE', { size: 10, limit: 5 })).toBe('The payload is 10 bytes; the limit is 5');
    const e = TbError.wrap(new Error('secret database detail'));
    expect(e.code).toBe('INTERNAL');
    expect(e.message).not.toContain('secret');
    expect(JSON.stringify(e.toBody())).not.toContain('secret');
  });

  it('rebuilds errors decoded off the wire', () => {
    const e = TbError.fromBody({ code: 'RUNTIME_NOT_OWNER', message: 'x', retryable: true, details: { partition: 3 } });
    expect(e).toMatchObject({ code: 'RUNTIME_NOT_OWNER', retryable: true, status: 503 });
    const unknown = TbError.fromBody({ code: 'FROM_THE_FUTURE', message: 'y', retryable: true });
    expect(unknown.code).toBe('FROM_THE_FUTURE');
    expect(unknown.retryable).toBe(false);
  });
});

describe('contracts - TbError stacks', () => {
  it('captures a stack for internal faults only; refusals and overloads are answers without one', () => {
    const limit = Error.stackTraceLimit;
    const internal = new TbError('INTERNAL');
    const refusal = new TbError('INVENTORY_SOLD_OUT', { classId: 'tc1' });
    const overload = TbError.fromBody({ code: 'RUNTIME_OVERLOADED', message: 'full', retryable: true });
    expect(internal.stack).toMatch(/\n\s+at /);
    expect(refusal.stack).not.toMatch(/\n\s+at /);
    expect(refusal.stack).toContain(refusal.message);
    expect(overload.stack).not.toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(limit);
    // What a caught refusal is used for is untouched.
    expect(refusal).toBeInstanceOf(Error);
    expect(refusal.toBody()).toEqual({
      code: 'INVENTORY_SOLD_OUT',
      message: refusal.message,
      retryable: false,
      details: { classId: 'tc1' },
    });
  });
});
