/**
 * The ErasureCoder of spec 11 on top of the Reed–Solomon WebAssembly package
 * (@digitaldefiance/reed-solomon-erasure.wasm, GF(2^8), the Rust reed-solomon-erasure crate).
 * Each platform loads the WebAssembly its own way and hands the instance here.
 */
import { CofferError } from './errors.ts';
import type { ErasureCoder } from './recovery.ts';

/** What the package's ReedSolomonErasure instance offers (structurally, to keep core free of it). */
export interface ReedSolomonWasm {
  encode(shards: Uint8Array, dataShards: number, parityShards: number): number;
  reconstruct(shards: Uint8Array, dataShards: number, parityShards: number, available: boolean[]): number;
}

/**
 * `instance` makes a new instance of the WebAssembly, and every call gets a fresh one. Version
 * 1.0.2's reconstruct fails ("too few shards present") on an instance that has already run other
 * calls, depending on the history of its allocator (seen in Node: encode stays correct,
 * reconstruct does not). The same allocator grows the instance's memory with every stripe
 * encoded (WebAssembly memory never shrinks), so one instance for a whole backup ended up
 * holding about as much as the parity itself (issue 28, item 4); dropping it only once it held a
 * few stripes left several such instances waiting for the garbage collector (the app's 4 GiB
 * backup with repair data grew 399 MiB). An instance per stripe holds one stripe at most; making
 * one from the compiled module costs far less than encoding the stripe.
 */
export function reedSolomonCoder(instance: () => ReedSolomonWasm): ErasureCoder {
  return {
    encode(shards, dataShards, parityShards) {
      const result = instance().encode(shards, dataShards, parityShards);
      if (result !== 0) throw new CofferError('invalid_input', `Reed–Solomon encoding failed (code ${result}).`);
    },
    reconstruct(shards, dataShards, parityShards, available) {
      const result = instance().reconstruct(shards, dataShards, parityShards, available);
      if (result !== 0)
        throw new CofferError('payload_damaged', `Reed–Solomon reconstruction failed (code ${result}).`);
    },
  };
}
