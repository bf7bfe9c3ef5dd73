/**
 * Builds the one-file offline opener (src/opener) into dist/coffer-opener.html as part of the
 * app's own build, so the app offers it as a same-origin asset (and its service worker caches
 * it). The script and styles are inlined and allowed by hash in the file's own CSP, which
 * permits nothing else: no network at all. hash-wasm carries its Argon2id WebAssembly inline.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build, type Plugin as Plugin_ } from 'esbuild';
import type { Plugin } from 'vite';

export const OPENER_FILE = 'coffer-opener.html';

export interface OpenerBuild {
  version: string;
  build: string;
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

function fill(template: string, values: Record<string, string>): string {
  // Placeholders inside <style> and <script> are comments there, so the template stays valid.
  // A function replacer, so "$" in the bundled code is never read as a replacement pattern.
  return template.replace(/(?:\/\*)?__OPENER_([A-Z]+)__(?:\*\/)?/g, (whole, key: string) => values[key] ?? whole);
}

function sizeText(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} bytes (${Math.ceil(bytes / 1024)} KiB)`;
}

/** `import wasm from 'opener:zstd-wasm'`: the bytes of the codec's WebAssembly module. */
const inlineZstdWasm: Plugin_ = {
  name: 'inline-zstd-wasm',
  setup(builder) {
    builder.onResolve({ filter: /^opener:zstd-wasm$/ }, () => ({
      // Relative to the project, like the opener's own sources below (the build runs there).
      path: resolve('node_modules/@bokuweb/zstd-wasm/dist/web/zstd.wasm'),
    }));
    builder.onLoad({ filter: /zstd\.wasm$/ }, (args) => ({ contents: readFileSync(args.path), loader: 'binary' }));
  },
};

export async function buildOpenerHtml({ version, build: buildId }: OpenerBuild): Promise<string> {
  const bundled = await build({
    entryPoints: ['src/opener/main.ts'],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'eof',
    logLevel: 'warning',
    // zstd's WebAssembly is inlined (the opener may fetch nothing); the library still builds a URL
    // for it from import.meta.url, which an inline script does not have, so give it a dummy one.
    define: { 'import.meta.url': '"file:///coffer-opener/"' },
    plugins: [inlineZstdWasm],
  });
  const script = bundled.outputFiles[0].text.trim();
  if (/<\/script/i.test(script)) throw new Error('The opener bundle contains "</script" and cannot be inlined.');
  const style = readFileSync('src/opener/opener.css', 'utf8').trim();
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(script)} 'wasm-unsafe-eval'`,
    `style-src ${sha256(style)}`,
    "img-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const template = readFileSync('src/opener/opener.html', 'utf8');
  const values = { CSP: csp, STYLE: style, SCRIPT: script, VERSION: version, BUILD: buildId, SIZE: '' };
  // The file states its own size: fill it in until the figure no longer changes the size.
  let html = fill(template, values);
  for (let round = 0; round < 5; round++) {
    const stated = sizeText(Buffer.byteLength(html, 'utf8'));
    if (stated === values.SIZE) return html;
    values.SIZE = stated;
    html = fill(template, values);
  }
  throw new Error('The opener size did not settle.');
}

export function offlineOpener(details: OpenerBuild): Plugin {
  return {
    name: 'coffer-offline-opener',
    apply: 'build',
    async generateBundle() {
      this.emitFile({ type: 'asset', fileName: OPENER_FILE, source: await buildOpenerHtml(details) });
    },
  };
}
