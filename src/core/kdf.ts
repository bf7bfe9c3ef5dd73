/** Argon2id for passphrase slots (spec 3.1), via hash-wasm's WebAssembly build. */
import { argon2id } from 'hash-wasm';
import { utf8 } from './bytes.ts';
import { CofferError } from './errors.ts';

export interface Argon2Params {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

export const KDF_PRESETS = {
  default: { memoryKiB: 65536, iterations: 3, parallelism: 1 },
  strong: { memoryKiB: 262144, iterations: 4, parallelism: 1 },
} as const satisfies Record<string, Argon2Params>;

export type KdfPreset = keyof typeof KDF_PRESETS;

export const KDF_BOUNDS = {
  memoryKiB: { min: 8, max: 1048576 },
  iterations: { min: 1, max: 10 },
  parallelism: { min: 1, max: 4 },
} as const;

/** Checked before any Argon2 run, so a hostile header cannot make us allocate or spin. */
export function checkArgon2Params(params: Argon2Params): void {
  for (const name of ['memoryKiB', 'iterations', 'parallelism'] as const) {
    const { min, max } = KDF_BOUNDS[name];
    const value = params[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new CofferError(
        'limit_exceeded',
        `The passphrase slot asks for Argon2id ${name} = ${value}, outside the allowed ${min}–${max}.`,
      );
    }
  }
  if (params.memoryKiB < 8 * params.parallelism) {
    throw new CofferError('limit_exceeded', 'The passphrase slot asks for less Argon2id memory than 8 KiB per lane.');
  }
}

/**
 * The total Argon2id work (memory KiB × passes) all passphrase slots of one file may ask for:
 * the cost of one slot at the single-slot maximum, so every file a single-slot writer could
 * make still opens, but 16 maximal slots cannot cost 16 times that before anything is
 * authenticated (spec 3.1).
 */
export const MAX_TOTAL_ARGON2_COST = KDF_BOUNDS.memoryKiB.max * KDF_BOUNDS.iterations.max;

/** Checked before any Argon2 run, over all passphrase slots of a file together. */
export function checkArgon2Budget(all: readonly Argon2Params[]): void {
  let total = 0;
  for (const params of all) total += params.memoryKiB * params.iterations;
  if (total > MAX_TOTAL_ARGON2_COST) {
    throw new CofferError(
      'limit_exceeded',
      `The backup's passphrase slots together ask for ${total} KiB × passes of Argon2id work, over the ${MAX_TOTAL_ARGON2_COST} allowed.`,
    );
  }
}

export function passphraseBytes(passphrase: string): Uint8Array {
  return utf8(passphrase.normalize('NFC'));
}

export async function deriveArgon2id(
  password: Uint8Array,
  salt: Uint8Array,
  params: Argon2Params,
): Promise<Uint8Array> {
  checkArgon2Params(params);
  return argon2id({
    password,
    salt,
    memorySize: params.memoryKiB,
    iterations: params.iterations,
    parallelism: params.parallelism,
    hashLength: 32,
    outputType: 'binary',
  });
}
