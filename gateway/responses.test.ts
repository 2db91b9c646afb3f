/**
 * @module gateway/responses.test
 * gateway/responses tests: the error mapping never leaks a non-registry message
 */
import { describe, expect, it } from 'vitest';
import { TbError } from '../contracts/index.js';
import { errorResponse, toResponse } from './responses.js';

const bodyOf = (r: { body: Uint8Array }) => JSON.parse(new TextDecoder().decode(r.body));

describe('error mapping', () => {
  it('a known TbError keeps its code, status and details', () => {
    const r = errorResponse(new TbError('COMMAND_NOT_FOUND', { kind: 'event', id: 'e1' }));
    expect(r.status).toBe(404);
    expect(bodyOf(r)).toEqual({
      error: { code: 'COMMAND_NOT_FOUND', message: 'event e1 does not exist', retryable: false, details: { kind: 'event', id: 'e1' } },
    });
  });

  it('anything else is a fixed INTERNAL body, never the message', () => {
    for (const err of [
      new Error('db password is hunter2'),
      'string',
      null,
      { message: 'x' },
      new TbError('INTERNAL', {}, { message: 'secret' }),
    ]) {
      const r = errorResponse(err);
      expect(r.status).toBe(500);
      expect(bodyOf(r)).toEqual({ error: { code: 'INTERNAL', message: 'Internal error', retryable: false, details: {} } });
    }
  });

  it('an unregistered code from the wire is INTERNAL too', () => {
    const e = TbError.fromBody({ code: 'SOMETHING_ELSE', message: 'leak', retryable: false });
    expect(bodyOf(errorResponse(e)).error.code).toBe('INTERNAL');
  });

  it('429 carries Retry-After and 405 carries Allow', () => {
    expect(errorResponse(new TbError('HTTP_RATE_LIMITED', { retryAfterSec: 3 })).headers['retry-after']).toBe('3');
    expect(errorResponse(new TbError('HTTP_METHOD_NOT_ALLOWED', { method: 'PUT', allow: 'GET, HEAD' })).headers['allow']).toBe('GET, HEAD');
  });

  it('handler results become responses', () => {
    expect(toResponse({}).status).toBe(204);
    expect(toResponse({ body: 'hi' }).headers['content-type']).toMatch(/text\/plain/);
    const r = toResponse({ status: 201, body: { a: 1 } });
    expect(r.status).toBe(201);
    expect(bodyOf(r)).toEqual({ a: 1 });
  });
});
