/**
 * The dashboard (web/) builds into dist/web, next to dist/server, which serves it. Run by
 * `npm run build`; `npx vite --config vite.config.ts` serves it for development.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    // Module scripts only: the dashboard targets current browsers.
    target: 'es2022',
  },
  server: { proxy: { '/api': 'http://127.0.0.1:4780' } },
});
