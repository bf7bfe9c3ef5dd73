/**
 * The Reed–Solomon coder for the CLI: core's SIMD coder, or where Node has no WebAssembly SIMD,
 * the package's WebAssembly read from node_modules.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ReedSolomonErasure } from '@digitaldefiance/reed-solomon-erasure.wasm';
import { reedSolomonCoder } from '../core/erasure.ts';
import type { ErasureCoder } from '../core/recovery.ts';
import { simdCoder } from '../core/reed-solomon.ts';

let coder: ErasureCoder | undefined;
let packaged: ErasureCoder | undefined;

/** A new instance of the compiled module, wrapped as fromBytes would (its constructor takes the exports). */
function instantiate(module: WebAssembly.Module): ReedSolomonErasure {
  return Reflect.construct(ReedSolomonErasure, [new WebAssembly.Instance(module).exports]) as ReedSolomonErasure;
}

/** The package's coder (kept for engines without SIMD, and as the reference the tests compare with). */
export function packageCoder(): ErasureCoder {
  if (!packaged) {
    // Resolved from this module (the sources or the bundle), not the package's own __dirname,
    // which a bundle does not keep.
    const path = createRequire(import.meta.url).resolve('@digitaldefiance/reed-solomon-erasure.wasm/wasm');
    // Compiled once: the coder makes a fresh instance for every stripe (core/erasure.ts).
    const module = new WebAssembly.Module(readFileSync(path));
    packaged = reedSolomonCoder(() => instantiate(module));
  }
  return packaged;
}

/** Made on first use: only files with parity need it. */
export function cliCoder(): ErasureCoder {
  coder ??= simdCoder() ?? packageCoder();
  return coder;
}
