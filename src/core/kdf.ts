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
