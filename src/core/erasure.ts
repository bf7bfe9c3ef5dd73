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
 * `instance` makes a new instance of the WebAssembly. Version 1.0.2's reconstruct fails
 * ("too few shards present") on an instance that has already run other calls, depending on
 * the history of its allocator (seen in Node: encode stays correct, reconstruct does not), so
 * every reconstruction gets a fresh instance; reconstruction is rare, encoding is not.
 *
 * The same allocator also grows the instance's memory with every stripe encoded (WebAssembly
 * memory never shrinks), so one instance for a whole backup ended up holding about as much as
 * the parity itself (issue 28, item 4). An instance whose memory passes a few stripes' worth is
 * dropped, and the next stripe gets a fresh one.
 */
const SPARE_MEMORY = 32 * 1024 * 1024;

/** The instance's WebAssembly memory in bytes (the package keeps its exports private). */
function heldBytes(instance: ReedSolomonWasm): number {
  const exports = (instance as unknown as { exports?: { memory?: { buffer: ArrayBuffer } } }).exports;
  return exports?.memory?.buffer.byteLength ?? 0;
}
export function reedSolomonCoder(instance: () => ReedSolomonWasm): ErasureCoder {
  let shared: ReedSolomonWasm | undefined;
  return {
    encode(shards, dataShards, parityShards) {
      shared ??= instance();
      const result = shared.encode(shards, dataShards, parityShards);
      if (heldBytes(shared) > 3 * shards.length + SPARE_MEMORY) shared = undefined;
      if (result !== 0) throw new CofferError('invalid_input', `Reed–Solomon encoding failed (code ${result}).`);
    },
    reconstruct(shards, dataShards, parityShards, available) {
      const result = instance().reconstruct(shards, dataShards, parityShards, available);
      if (result !== 0)
        throw new CofferError('payload_damaged', `Reed–Solomon reconstruction failed (code ${result}).`);
    },
  };
}
