// Builds the web app (issue #13) into dist/web/, which `earshot serve` and `earshot api` serve at
// `/` (src/api/web-app.ts). Preact's JSX is compiled by Vite's own esbuild: no plugin needed.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: 'public',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('../dist/web/', import.meta.url)),
    emptyOutDir: true,
    // The polyfill would be inline-free anyway, but nothing is needed for module-capable browsers.
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
  },
});
