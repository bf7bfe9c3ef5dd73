/** The zstd codec's WebAssembly, inlined by the opener's build (vite.opener.ts). */
declare module 'opener:zstd-wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
