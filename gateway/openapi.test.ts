/**
 * @module gateway/openapi.test
 * gateway/openapi tests: the generated document and docs page describe the routes
 */
import { describe, expect, it } from 'vitest';
import { Type } from '../contracts/index.js';
import { buildOpenApi } from './openapi.js';
import { defineRoute } from './route.js';
import { renderDocsPage } from './docs-page.js';

const getEvent = defineRoute({
  method: 'GET',
  path: '/api/v1/events/:eventId',
  summary: 'Get an event',
  tags: ['events'],
  auth: 'optional',
  params: Type.Object({ eventId: Type.String({ description: 'event id' }) }),
  query: Type.Object({ expand: Type.Optional(Type.Boolean()) }),
  responses: { 200: Type.Object({ id: Type.String() }) },
  handler: (ctx) => ({ body: { id: ctx.params.eventId } }),
});
const createEvent = defineRoute({
  method: 'POST',
  path: '/api/v1/events',
  summary: 'Create an event <b>',
  tags: ['events'],
  auth: 'required',
  roles: ['organizer'],
  body: Type.Object({ name: Type.String() }),
  responses: { 201: { description: 'Created', schema: Type.Object({ id: Type.String() }) } },
  handler: (ctx) => ({ status: 201, body: { id: ctx.body.name } }),
});

describe('openapi', () => {
  const doc = buildOpenApi([getEvent, createEvent], { title: 'T', version: '1' }) as any;

  it('is an OpenAPI 3.1 document with every route', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(['/api/v1/events/{eventId}', '/api/v1/events']);
    expect(doc.components.schemas.ErrorResponse.properties.error).toBeDefined();
    expect(doc.components.securitySchemes.bearerAuth.scheme).toBe('bearer');
  });

  it('documents parameters, body, security and the pipeline errors', () => {
    const get = doc.paths['/api/v1/events/{eventId}'].get;
    expect(get.parameters).toEqual([
      { name: 'eventId', in: 'path', required: true, schema: { type: 'string' }, description: 'event id' },
      { name: 'expand', in: 'query', required: false, schema: { type: 'boolean' } },
      expect.objectContaining({ name: 'X-Request-Id', in: 'header', required: false }),
    ]);
    expect(get.security).toEqual([{ bearerAuth: [] }, {}]);
    expect(Object.keys(get.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '429', '500']));
    const post = doc.paths['/api/v1/events'].post;
    expect(post.requestBody.content['application/json'].schema.properties.name.type).toBe('string');
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '413', '415']));
    expect(post.responses['201'].description).toBe('Created');
    expect(post.operationId).toBe('postApiV1Events');
  });

  it('public operations say security: [], tags are described, titled schemas become components', () => {
    const open = defineRoute({
      method: 'GET',
      path: '/api/v1/things/:id',
      summary: 'A thing',
      tags: ['things'],
      auth: 'none',
      headers: Type.Object({ 'X-Thing-Code': Type.Optional(Type.String({ description: 'a code', examples: ['c-1'] })) }),
      responses: { 200: Type.Object({ list: Type.Array(Type.Object({ id: Type.String() }, { title: 'Thing' })) }, { title: 'ThingList' }) },
      handler: () => ({ body: { list: [] } }),
    });
    const d = buildOpenApi([open], { title: 'T', version: '1' }) as any;
    const op = d.paths['/api/v1/things/{id}'].get;
    expect(op.security).toEqual([]);
    expect(op.parameters).toContainEqual({
      name: 'X-Thing-Code',
      in: 'header',
      required: false,
      schema: { type: 'string' },
      description: 'a code',
      example: 'c-1',
    });
    expect(d.tags).toEqual([{ name: 'things', description: 'Operations tagged things.' }]);
    expect(op.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ThingList' });
    expect(d.components.schemas.ThingList.properties.list.items).toEqual({ $ref: '#/components/schemas/Thing' });
    expect(d.components.schemas.Thing.properties.id.type).toBe('string');
    expect(op.responses['429'].headers['Retry-After']).toEqual({ $ref: '#/components/headers/RetryAfter' });
  });

  it('merges x-documented rules into the document', () => {
    const r = defineRoute({
      method: 'POST',
      path: '/api/v1/pw',
      summary: 'pw',
      tags: ['t'],
      auth: 'none',
      body: Type.Object({ pw: Type.String({ minLength: 1, 'x-documented': { minLength: 10 } }) }),
      responses: { 204: { description: 'ok' } },
      handler: () => ({ status: 204 }),
    });
    const d = buildOpenApi([r], { title: 'T', version: '1' }) as any;
    expect(d.paths['/api/v1/pw'].post.requestBody.content['application/json'].schema.properties.pw).toEqual({
      type: 'string',
      minLength: 10,
    });
  });

  it('refuses two different schemas under one title', () => {
    const a = (schema: ReturnType<typeof Type.Object>, path: string) =>
      defineRoute({
        method: 'GET',
        path,
        summary: 's',
        tags: ['t'],
        auth: 'none',
        responses: { 200: schema },
        handler: () => ({ body: {} }),
      });
    const one = a(Type.Object({ x: Type.String() }, { title: 'Same' }), '/a');
    const two = a(Type.Object({ y: Type.String() }, { title: 'Same' }), '/b');
    expect(() => buildOpenApi([one, two], { title: 'T', version: '1' })).toThrow(/two different schemas are titled Same/);
  });

  it('serialises without TypeBox internals', () => {
    expect(JSON.stringify(doc)).not.toMatch(/TypeBox|\[Kind\]/);
  });

  it('the docs page lists operations and escapes text', () => {
    const html = renderDocsPage(doc);
    expect(html).toContain('/api/v1/events/{eventId}');
    expect(html).toContain('Create an event &lt;b&gt;');
    expect(html).not.toMatch(/<script src=|<link /);
  });
});
