/**
 * @module gateway/router.test
 * gateway/router tests: matching, params, 404 vs 405, start-up conflicts
 */
import { describe, expect, it } from 'vitest';
import { Router, toOpenApiPath } from './router.js';
import type { AnyRoute } from './types.js';

const r = (method: AnyRoute['method'], path: string): AnyRoute => ({
  method,
  path,
  summary: path,
  tags: [],
  auth: 'none',
  responses: {},
  handler: () => ({}),
});

describe('router', () => {
  const router = new Router();
  router.add(r('GET', '/api/v1/events/:eventId'));
  router.add(r('PUT', '/api/v1/events/:eventId'));
  router.add(r('GET', '/api/v1/events/search'));
  router.add(r('GET', '/api/v1/events/:eventId/classes/:classId'));
  router.add(r('POST', '/api/v1/events'));

  it('matches params and prefers static segments', () => {
    const m = router.match('GET', '/api/v1/events/e%201');
    expect(m).toMatchObject({ type: 'found', params: { eventId: 'e 1' } });
    expect(router.match('GET', '/api/v1/events/search')).toMatchObject({ type: 'found', route: { path: '/api/v1/events/search' } });
    expect(router.match('GET', '/api/v1/events/a/classes/b')).toMatchObject({ params: { eventId: 'a', classId: 'b' } });
  });

  it('ignores trailing and double slashes', () => {
    expect(router.match('POST', '/api/v1/events/').type).toBe('found');
    expect(router.match('POST', '//api//v1/events').type).toBe('found');
  });

  it('says 404 vs 405 with the allowed methods', () => {
    expect(router.match('GET', '/nope')).toEqual({ type: 'not_found' });
    expect(router.match('GET', '/api/v1')).toEqual({ type: 'not_found' });
    expect(router.match('DELETE', '/api/v1/events/x')).toEqual({ type: 'method_not_allowed', allow: ['GET', 'HEAD', 'PUT'] });
  });

  it('HEAD matches GET routes', () => {
    expect(router.match('HEAD', '/api/v1/events/x').type).toBe('found');
  });

  it('treats undecodable parameters as not found, and very long paths too', () => {
    expect(router.match('GET', '/api/v1/events/%E0%A4%A')).toEqual({ type: 'not_found' });
    expect(router.match('GET', `/${'a/'.repeat(2000)}`)).toEqual({ type: 'not_found' });
  });

  it('refuses conflicting definitions at start-up', () => {
    const x = new Router();
    x.add(r('GET', '/a/:id'));
    expect(() => x.add(r('GET', '/a/:id'))).toThrow(/duplicate/);
    expect(() => x.add(r('GET', '/a/:other/b'))).toThrow(/conflicts/);
    expect(() => x.add(r('GET', 'no-slash'))).toThrow(/must start/);
  });

  it('converts to OpenAPI paths', () => {
    expect(toOpenApiPath('/api/v1/events/:eventId/classes/:classId')).toBe('/api/v1/events/{eventId}/classes/{classId}');
  });
});
