import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs, so dist/ works from any static host and from a sub-path.
  base: './',
  plugins: [preact()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: false,
    // hash-wasm's Argon2 WASM is embedded in its module; keep it out of the page's entry chunk.
    chunkSizeWarningLimit: 1024,
  },
});
