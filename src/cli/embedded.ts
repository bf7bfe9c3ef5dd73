/**
 * What the command-line tool otherwise reads from node_modules, carried inside it: undefined
 * here, and filled in only by the one-file build the app serves (vite.cli.ts), which has no
 * node_modules beside it. Every other way of running the tool (the bundle, the sources) finds
 * these files on disk.
 */
export interface EmbeddedAssets {
  /** package.json's version, which the one-file tool cannot read from beside it. */
  version: string;
  /** zstd (the package's Node build with its WebAssembly inside), as a data: URL its threads import. */
  zstdModule: string;
  /** The parity thread's script (parity-thread.ts, bundled), as a data: URL. */
  parityThread: string;
  /** SQLite's WebAssembly, for `coffer whatsapp chats`. */
  sqliteWasm: Uint8Array;
}

export const EMBEDDED: EmbeddedAssets | undefined = undefined;
