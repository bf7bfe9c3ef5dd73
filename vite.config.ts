import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { headerPolicy } from './scripts/app-policy.mjs';
import { oneFileCli } from './vite.cli.ts';
import { offlineOpener } from './vite.opener.ts';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

/** Shown in the app, so a person (and the update test) can tell which build is running. */
function buildId(): string {
  if (process.env.COFFER_BUILD_ID) return process.env.COFFER_BUILD_ID;
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return new Date().toISOString();
  }
}

const build = buildId();

/**
 * The page's Content-Security-Policy as a header, for the service worker to send
 * (src/sw/policy-header.ts): read from the <meta> tag, as scripts/serve.mjs reads it.
 */
function appPolicy(): string {
  const policy = headerPolicy(readFileSync('index.html', 'utf8'));
  if (!policy) throw new Error('index.html has no Content-Security-Policy <meta> tag.');
  return policy;
}

export default defineConfig({
  // Relative asset URLs, so dist/ works from any static host and from a sub-path.
  base: './',
  define: {
    __COFFER_VERSION__: JSON.stringify(version),
    __COFFER_BUILD__: JSON.stringify(build),
    __COFFER_POLICY__: JSON.stringify(appPolicy()),
  },
  plugins: [
    preact(),
    offlineOpener({ version, build }),
    oneFileCli(version),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,wasm,webmanifest}'],
        // The passphrase-strength dictionaries are large but must work offline too.
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
      manifest: {
        id: './',
        name: 'Coffer — encrypted backups',
        short_name: 'Coffer',
        description: 'End-to-end encrypted backups made entirely on your device, even offline.',
        start_url: './',
        scope: './',
        display: 'standalone',
        theme_color: '#1f4e79',
        background_color: '#f6f7f9',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        file_handlers: [{ action: './', accept: { 'application/x-coffer': ['.coffer'] } }],
        launch_handler: { client_mode: 'focus-existing' },
        share_target: {
          action: './share-target',
          method: 'POST',
          enctype: 'multipart/form-data',
          params: { title: 'title', files: [{ name: 'backup', accept: ['application/x-coffer', '.coffer', '*/*'] }] },
        },
      },
    }),
  ],
  worker: { format: 'es' },
  // Its browser build finds zstd.wasm with new URL(..., import.meta.url); pre-bundling would lose the file (dev server only).
  optimizeDeps: { exclude: ['@bokuweb/zstd-wasm'] },
  build: {
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1536,
  },
});
