/**
 * Vite builds the pages into web/dist (git-ignored), which the gateway serves
 * (gateway/static/pages.ts). Preact's JSX runtime through Vite's own transformer (oxc), no plugin; the organizer console (and
 * its chart library) is a separate chunk, so the waiting room's first load stays small.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2020', sourcemap: false, assetsInlineLimit: 0, reportCompressedSize: false },
});
