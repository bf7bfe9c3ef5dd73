/** The Reed–Solomon coder for the CLI: the package's WebAssembly, read from node_modules. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ReedSolomonErasure } from '@digitaldefiance/reed-solomon-erasure.wasm';
import { reedSolomonCoder } from '../core/erasure.ts';
import type { ErasureCoder } from '../core/recovery.ts';

let coder: ErasureCoder | undefined;

/** A new instance of the compiled module, wrapped as fromBytes would (its constructor takes the exports). */
function instantiate(module: WebAssembly.Module): ReedSolomonErasure {
  return Reflect.construct(ReedSolomonErasure, [new WebAssembly.Instance(module).exports]) as ReedSolomonErasure;
}

/** Loaded on first use: only files with parity need it. */
export function cliCoder(): ErasureCoder {
  if (!coder) {
    // Resolved from this module (the sources or the bundle), not the package's own __dirname,
    // which a bundle does not keep.
    const path = createRequire(import.meta.url).resolve('@digitaldefiance/reed-solomon-erasure.wasm/wasm');
    // Compiled once: the coder makes a fresh instance for every stripe (core/erasure.ts).
    const module = new WebAssembly.Module(readFileSync(path));
    coder = reedSolomonCoder(() => instantiate(module));
  }
  return coder;
}
