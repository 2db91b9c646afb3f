/**
 * @module gateway/docs-ui
 * The browsable API documentation at `/api/docs`: Swagger UI (the `swagger-ui-dist` package:
 * try-it-out, the Authorize button for the bearer token, schemas and examples) served from the
 * gateway's own files. Invariant: the page makes no third-party request: no CDN, and Swagger UI's
 * online validator is turned off (`validatorUrl: null`); its own CSP allows only this origin.
 * A page without JavaScript links to the plain rendering (`renderDocsPage`) at `/api/docs/plain`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where the UI's files are served. */
export const DOCS_PATH = '/api/docs';
export const DOCS_PLAIN_PATH = '/api/docs/plain';

/** Swagger UI styles React-rendered elements inline, hence 'unsafe-inline' for styles (never scripts). */
export const DOCS_UI_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** A served file: its bytes and content type. */
export interface DocsAsset {
  contentType: string;
  body: Uint8Array;
}

const FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** The UI's start script: a file, not inline, so the CSP needs no 'unsafe-inline' for scripts. */
function initScript(openApiUrl: string): string {
  const options = {
    url: openApiUrl,
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
    displayRequestDuration: true,
    defaultModelsExpandDepth: 1,
  };
  return `window.ui = SwaggerUIBundle(Object.assign(${JSON.stringify(options)}, {
  presets: [SwaggerUIBundle.presets.apis], layout: 'BaseLayout'
}));\n`;
}

/** The HTML shell: loads the UI's files from `/api/docs/…`, nothing from elsewhere. */
function shell(title: string): string {
  const t = title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${t}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png">
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
</head><body>
<noscript><p>This page needs JavaScript. Without it, read the <a href="${DOCS_PLAIN_PATH}">plain rendering</a>
or the <a href="/api/v1/openapi.json">OpenAPI document</a>.</p></noscript>
<div id="swagger-ui"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/init.js"></script>
</body></html>
`;
}

/**
 * The UI's files by name (`index.html`, `init.js` and the package's assets), read once from
 * `swagger-ui-dist` when first asked for. Unknown names answer undefined.
 */
export function docsUi(openApiUrl: string, title: string): (name: string) => DocsAsset | undefined {
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const cache = new Map<string, DocsAsset>();
  const text = (s: string, contentType: string): DocsAsset => ({ contentType, body: new TextEncoder().encode(s) });
  return (name) => {
    const hit = cache.get(name);
    if (hit) return hit;
    let asset: DocsAsset | undefined;
    if (name === 'index.html') asset = text(shell(title), 'text/html; charset=utf-8');
    else if (name === 'init.js') asset = text(initScript(openApiUrl), 'text/javascript; charset=utf-8');
    else if (Object.hasOwn(FILES, name)) asset = { contentType: FILES[name]!, body: readFileSync(join(dir, name)) };
    if (asset) cache.set(name, asset);
    return asset;
  };
}
