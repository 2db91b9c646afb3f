/**
 * @module gateway/builtin/doc-routes
 * `GET /api/v1/openapi.json` (the OpenAPI 3.1 document), `GET /api/docs` (Swagger UI over it,
 * with its files under `/api/docs/…`, all from the gateway itself) and `GET /api/docs/plain` (a
 * self-contained HTML rendering that needs no JavaScript). The document is built once, on first
 * request, from the final route list, so it always describes exactly the routes being served.
 */
import { TbError, Type } from '../../contracts/index.js';
import { renderDocsPage } from '../docs-page.js';
import { DOCS_PATH, DOCS_PLAIN_PATH, DOCS_UI_CSP, docsUi } from '../docs-ui.js';
import { buildOpenApi, type OpenApiInfo } from '../openapi.js';
import type { AnyRoute, RouteResult } from '../types.js';

/** The path of the OpenAPI document. */
export const OPENAPI_PATH = '/api/v1/openapi.json';

// The plain page needs its inline style and script; everything else stays 'none'.
const PLAIN_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-ancestors 'none'";

/** The documentation routes; `allRoutes` is called lazily and must include these. */
export function docRoutes(allRoutes: () => readonly AnyRoute[], info: OpenApiInfo): AnyRoute[] {
  let doc: Record<string, unknown> | undefined;
  let html: string | undefined;
  const document = () => (doc ??= buildOpenApi(allRoutes(), info));
  const ui = docsUi(OPENAPI_PATH, `${info.title} ${info.version}`);
  const serve = (name: string): RouteResult => {
    const asset = ui(name);
    if (!asset) throw new TbError('HTTP_NOT_FOUND', { path: `${DOCS_PATH}/${name}` });
    return {
      headers: { 'content-type': asset.contentType, 'content-security-policy': DOCS_UI_CSP, 'cache-control': 'no-cache' },
      body: asset.body,
    };
  };
  return [
    {
      method: 'GET',
      path: OPENAPI_PATH,
      summary: 'This OpenAPI 3.1 document',
      tags: ['system'],
      auth: 'none',
      responses: { 200: Type.Object({ openapi: Type.String() }, { additionalProperties: true }) },
      handler: () => ({ body: document(), headers: { 'cache-control': 'no-cache' } }),
    },
    {
      method: 'GET',
      path: DOCS_PATH,
      summary: 'Browsable API documentation (Swagger UI)',
      tags: ['system'],
      auth: 'none',
      hidden: true,
      responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
      handler: () => serve('index.html'),
    },
    {
      method: 'GET',
      path: DOCS_PLAIN_PATH,
      summary: 'The API documentation as plain HTML',
      tags: ['system'],
      auth: 'none',
      hidden: true,
      responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
      handler: () => ({
        headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PLAIN_CSP, 'cache-control': 'no-cache' },
        body: (html ??= renderDocsPage(document(), OPENAPI_PATH)),
      }),
    },
    {
      method: 'GET',
      path: `${DOCS_PATH}/:file`,
      summary: 'Files of the documentation UI',
      tags: ['system'],
      auth: 'none',
      hidden: true,
      responses: { 200: { description: 'A file of Swagger UI' } },
      handler: (ctx) => serve(String(ctx.params['file'])),
    },
  ];
}
