/**
 * The Reed–Solomon coder in the worker (spec 11): the package's WebAssembly, a same-origin asset
 * fetched once when a backup with parity is opened or made (the CSP allows same-origin only).
 */
import { ReedSolomonErasure } from '@digitaldefiance/reed-solomon-erasure.wasm/browser';
import wasmUrl from '@digitaldefiance/reed-solomon-erasure.wasm/wasm?url';
import { reedSolomonCoder } from '../core/erasure.ts';
import type { ErasureCoder } from '../core/recovery.ts';

let loading: Promise<ErasureCoder> | undefined;

export function workerCoder(): Promise<ErasureCoder> {
  loading ??= fetch(wasmUrl)
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
    );
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
