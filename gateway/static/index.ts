/**
 * @module gateway/static
 * The built web pages served by the gateway (cache headers, SPA fallback, same-origin CSP).
 */
export { pagesMiddleware, defaultPagesDir, PAGES_CSP } from './pages.js';
export type { PagesOptions } from './pages.js';
