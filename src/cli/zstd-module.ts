/**
 * The zstd module the CLI's threads import: the package from node_modules, or in the one-file
 * tool the copy it carries (embedded.ts). An import specifier (a URL), since a thread started from
 * a script has no path of its own to resolve the package from.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { EMBEDDED } from './embedded.ts';

export function zstdModuleUrl(): string {
  return EMBEDDED?.zstdModule ?? pathToFileURL(createRequire(import.meta.url).resolve('@bokuweb/zstd-wasm')).href;
}

/**
 * Script text for a thread: `loadZstd(url)` imports the module and resolves once its WebAssembly
 * is ready. A CommonJS package comes back as its namespace's default; the embedded ES module
 * exports its functions directly.
 */
export const LOAD_ZSTD_SCRIPT = `
function loadZstd(url) {
  return import(url).then((ns) => {
    const zstd = typeof ns.init === 'function' ? ns : ns.default;
    return zstd.init().then(() => zstd);
  });
}`;
