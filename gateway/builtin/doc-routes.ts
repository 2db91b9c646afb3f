/**
 * @module gateway/builtin/doc-routes
 * `GET /api/v1/openapi.json` (the OpenAPI 3.1 document) and `GET /api/docs` (the same document
 * as a readable, self-contained HTML page). Both are built once, on first request, from the
 * final route list, so they always describe exactly the routes being served.
 */
import { Type } from '../../contracts/index.js';
import { renderDocsPage } from '../docs-page.js';
import { buildOpenApi, type OpenApiInfo } from '../openapi.js';
import type { AnyRoute } from '../types.js';

/** The path of the OpenAPI document. */
export const OPENAPI_PATH = '/api/v1/openapi.json';

// The docs page needs its inline style and script; everything else stays 'none'.
const DOCS_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-ancestors 'none'";

/** The documentation routes; `allRoutes` is called lazily and must include these two. */
export function docRoutes(allRoutes: () => readonly AnyRoute[], info: OpenApiInfo): AnyRoute[] {
  let doc: Record<string, unknown> | undefined;
  let html: string | undefined;
  const document = () => (doc ??= buildOpenApi(allRoutes(), info));
  return [
    {
      method: 'GET', path: OPENAPI_PATH, summary: 'This OpenAPI 3.1 document', tags: ['system'], auth: 'none',
      responses: { 200: Type.Object({ openapi: Type.String() }, { additionalProperties: true }) },
      handler: () => ({ body: document(), headers: { 'cache-control': 'no-cache' } }),
    },
    {
      method: 'GET', path: '/api/docs', summary: 'Browsable API documentation', tags: ['system'], auth: 'none', hidden: true,
      responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
      handler: () => ({
        headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': DOCS_CSP, 'cache-control': 'no-cache' },
        body: (html ??= renderDocsPage(document(), OPENAPI_PATH)),
      }),
    },
  ];
}
