/** Builds the benchmark page (bench/page) from the app's own modules; `npm run bench` calls this. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./page', import.meta.url)),
  base: './',
  logLevel: 'warn',
  worker: { format: 'es' },
  build: { target: 'es2022', emptyOutDir: true, chunkSizeWarningLimit: 4096 },
});
