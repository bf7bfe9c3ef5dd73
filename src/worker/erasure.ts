/**
 * The Reed–Solomon coder in the worker (spec 11): core's SIMD coder, or where the engine has no
 * WebAssembly SIMD, the package's WebAssembly, a same-origin asset fetched once when a backup
 * with parity is opened or made (the CSP allows same-origin only).
 */
import { ReedSolomonErasure } from '@digitaldefiance/reed-solomon-erasure.wasm/browser';
import wasmUrl from '@digitaldefiance/reed-solomon-erasure.wasm/wasm?url';
import { reedSolomonCoder } from '../core/erasure.ts';
import type { ErasureCoder } from '../core/recovery.ts';
import { simdCoder } from '../core/reed-solomon.ts';

let loading: Promise<ErasureCoder> | undefined;

function packageCoder(): Promise<ErasureCoder> {
  return (
    fetch(wasmUrl)
      .then((response) => {
        if (!response.ok) throw new Error(`The Reed–Solomon module did not load (${response.status}).`);
        return response.arrayBuffer();
      })
      // Compiled once: the coder makes a fresh instance for every stripe (core/erasure.ts).
      .then((bytes) => WebAssembly.compile(bytes))
      .then((module) =>
        reedSolomonCoder(
          // The package's constructor takes the instance's exports, as its fromBytes does.
          () => Reflect.construct(ReedSolomonErasure, [new WebAssembly.Instance(module).exports]) as ReedSolomonErasure,
        ),
      )
  );
}

export function workerCoder(): Promise<ErasureCoder> {
  if (!loading) {
    const simd = simdCoder();
    loading = simd ? Promise.resolve(simd) : packageCoder();
  }
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
