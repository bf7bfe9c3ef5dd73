/**
 * Writes the test vectors in spec/vectors/, or checks them.
 *
 *   npx tsx spec/gen/generate.ts              write missing vectors; refuse to change existing ones
 *   npx tsx spec/gen/generate.ts --check      regenerate in memory; exit 1 on any difference
 *   npx tsx spec/gen/generate.ts --overwrite  rewrite everything (only for vectors not yet landed!)
 *
 * Generation is deterministic (see drbg.ts), so --check compares byte for byte.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildVector, VECTORS } from './vectors.ts';

export const VECTORS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../vectors');

/** Files in spec/vectors/ that the generator does not own. */
const UNMANAGED = new Set(['README.md']);

/** Every vector file by name: NAME.coffer (the bytes) and NAME.json (the description). */
export async function generateFiles(): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const names = new Set<string>();
  for (const def of VECTORS) {
    if (names.has(def.name)) throw new Error(`duplicate vector name ${def.name}`);
    if (!/^[a-z0-9-]+$/.test(def.name)) throw new Error(`bad vector name ${def.name}`);
    names.add(def.name);
    const { json, bytes } = await buildVector(def);
    files.set(`${def.name}.coffer`, bytes);
    files.set(`${def.name}.json`, new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`));
  }
  return files;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

async function existingFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => !UNMANAGED.has(name));
  } catch {
    return [];
  }
}

/** Regenerates in memory and lists every difference from the files on disk (empty: no drift). */
export async function checkVectors(dir = VECTORS_DIR): Promise<string[]> {
  const expected = await generateFiles();
  const problems: string[] = [];
  const present = new Set(await existingFiles(dir));
  for (const [name, bytes] of expected) {
    if (!present.has(name)) {
      problems.push(`missing: ${name}`);
      continue;
    }
    if (!sameBytes(new Uint8Array(await readFile(join(dir, name))), bytes)) problems.push(`differs: ${name}`);
  }
  for (const name of present) if (!expected.has(name)) problems.push(`extra: ${name}`);
  return problems.sort();
}

/** Writes missing vectors. Existing vectors are frozen: a difference is an error unless `overwrite`. */
export async function writeVectors(
  dir = VECTORS_DIR,
  overwrite = false,
): Promise<{ written: string[]; problems: string[] }> {
  const expected = await generateFiles();
  await mkdir(dir, { recursive: true });
  const present = new Set(await existingFiles(dir));
  const written: string[] = [];
  const problems: string[] = [];
  for (const [name, bytes] of expected) {
    if (present.has(name) && !overwrite) {
      if (!sameBytes(new Uint8Array(await readFile(join(dir, name))), bytes)) {
        problems.push(`refusing to change frozen vector file ${name}`);
      }
      continue;
    }
    await writeFile(join(dir, name), bytes);
    written.push(name);
  }
  for (const name of present)
    if (!expected.has(name)) problems.push(`extra file not produced by the generator: ${name}`);
  return { written, problems };
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--check')) {
    const problems = await checkVectors();
    for (const problem of problems) console.error(problem);
    if (problems.length > 0) {
      console.error(`${problems.length} difference(s) between spec/vectors and the generator.`);
      return 1;
    }
    console.log(`spec/vectors matches the generator (${VECTORS.length} vectors).`);
    return 0;
  }
  const { written, problems } = await writeVectors(VECTORS_DIR, argv.includes('--overwrite'));
  for (const name of written) console.log(`wrote ${name}`);
  for (const problem of problems) console.error(problem);
  console.log(`${VECTORS.length} vectors, ${written.length} file(s) written.`);
  return problems.length > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 2;
    },
  );
}
