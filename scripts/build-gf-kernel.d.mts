/** The TypeScript that src/core/gf-kernel-wasm.ts must hold, assembled from gf-kernel.wat. */
export function kernelSource(): Promise<string>;
