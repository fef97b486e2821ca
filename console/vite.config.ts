import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console is served by the gateway under /console/; every asset is bundled into console/dist
 * (no CDN, no external URL), so it works without internet access. Vite's own transform handles
 * TSX with React's automatic runtime: no React plugin is needed for a production build.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', development: false } },
  // React's production build and JSX whatever NODE_ENV the builder runs under (vitest sets `test`).
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0, reportCompressedSize: true },
});
