/**
 * Builds the command-line tool as one file, dist/coffer.mjs, as part of the app's own build, so
 * that the recovery kit can name an address a person downloads it from (issue 31): `node
 * coffer.mjs restore …` with Node.js 20 or later and nothing installed. What the tool otherwise
 * reads from node_modules travels inside it (src/cli/embedded.ts): zstd, with its WebAssembly,
 * as a module its threads import from a data: URL; the parity thread's script, the same way;
 * SQLite's WebAssembly for `coffer whatsapp chats`.
 */
import { resolve } from 'node:path';
import { build, type Plugin as EsbuildPlugin } from 'esbuild';
import type { Plugin } from 'vite';
import { CLI_FILE_NAME } from './src/core/recovery-kit.ts';

const ZSTD_DIST = resolve('node_modules/@bokuweb/zstd-wasm/dist/common');
const SQLITE_WASM = resolve('node_modules/@sqlite.org/sqlite-wasm/sqlite-wasm/jswasm/sqlite3.wasm');
const EMBEDDED_MODULE = resolve('src/cli/embedded.ts');

/** The package's Node build, with init() taking its WebAssembly from inside the module. */
const ZSTD_SHIM = `
import { Module, waitInitialized } from './module.js';
import wasm from './zstd.wasm';
export { compress } from './simple/compress.js';
export { decompress } from './simple/decompress.js';
let ready;
export function init() {
  ready ??= (Module.init(wasm), waitInitialized());
  return ready;
}
`;

const zstdShim = { contents: ZSTD_SHIM, resolveDir: ZSTD_DIST, loader: 'js' as const };

async function bundleText(options: Parameters<typeof build>[0]): Promise<string> {
  const result = await build({
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'eof',
    logLevel: 'warning',
    // zstd's and SQLite's WebAssembly, imported as their bytes.
    loader: { '.wasm': 'binary' },
    ...options,
  });
  return result.outputFiles?.[0].text ?? '';
}

function dataUrl(script: string): string {
  return `data:text/javascript;base64,${Buffer.from(script, 'utf8').toString('base64')}`;
}

export async function buildCliFile(version: string): Promise<string> {
  const zstdModule = dataUrl(await bundleText({ stdin: zstdShim }));
  const parityThread = dataUrl(await bundleText({ entryPoints: ['src/cli/parity-thread.ts'] }));
  const embedded: EsbuildPlugin = {
    name: 'coffer-embedded',
    setup(builder) {
      // The main thread's own zstd: the same shim, bundled in.
      builder.onResolve({ filter: /^@bokuweb\/zstd-wasm$/ }, () => ({ path: 'zstd-shim', namespace: 'coffer' }));
      builder.onLoad({ filter: /^zstd-shim$/, namespace: 'coffer' }, () => zstdShim);
      builder.onLoad({ filter: /src[\\/]cli[\\/]embedded\.ts$/ }, (args) =>
        args.path === EMBEDDED_MODULE
          ? {
              contents: [
                `import sqliteWasm from ${JSON.stringify(SQLITE_WASM)};`,
                `export const EMBEDDED = { version: ${JSON.stringify(version)}, zstdModule: ${JSON.stringify(zstdModule)},`,
                `  parityThread: ${JSON.stringify(parityThread)}, sqliteWasm };`,
              ].join('\n'),
              loader: 'js',
              resolveDir: resolve('src/cli'),
            }
          : undefined,
      );
    },
  };
  return bundleText({
    entryPoints: ['src/cli/main.ts'],
    // Dependencies that are CommonJS call require(); an ES module has none of its own.
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as cofferRequire } from 'node:module'; const require = cofferRequire(import.meta.url);",
    },
    plugins: [embedded],
  });
}

export function oneFileCli(version: string): Plugin {
  return {
    name: 'coffer-one-file-cli',
    apply: 'build',
    async generateBundle() {
      this.emitFile({ type: 'asset', fileName: CLI_FILE_NAME, source: await buildCliFile(version) });
    },
  };
}
