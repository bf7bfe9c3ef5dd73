/** Shared helpers for the CLI tests: run the real command, build trees, snapshot folders. */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { concatBytes } from '../../src/core/bytes.ts';
import { randomBytes } from '../../src/core/crypto.ts';
import { buildHeader } from '../../src/core/header.ts';
import { encodeRecord, encodeTrailer, type IndexEntry } from '../../src/core/index-codec.ts';
import { cutChunks, sealChunks } from '../../src/core/stream.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin', 'coffer.mjs');
export const PASSPHRASE = 'correct horse battery staple';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Another build of the command to run instead of bin/coffer.mjs (the one-file tool). */
  bin?: string;
  cwd?: string;
  /** Run as this user and group (as root, to see what an ordinary user's permissions do). */
  uid?: number;
  gid?: number;
}

/** Runs `node bin/coffer.mjs ARGS` (or `bin`) without a terminal; COFFER_PASSPHRASE only if given in env. */
export function coffer(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.COFFER_PASSPHRASE;
  delete env.COFFER_DEBUG;
  Object.assign(env, options.env);
  return new Promise((done) => {
    execFile(
      process.execPath,
      [options.bin ?? BIN, ...args],
      {
        env,
        cwd: options.cwd ?? ROOT,
        maxBuffer: 64 * 1024 * 1024,
        timeout: 90_000,
        uid: options.uid,
        gid: options.gid,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

export const withPassphrase = { env: { COFFER_PASSPHRASE: PASSPHRASE } };

export async function tempDir(prefix = 'coffer-cli-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** A deterministic pseudo-random buffer (xorshift), so failures are reproducible. */
export function noise(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export const FIXED_MTIME = Date.parse('2021-05-06T07:08:09.123Z');

/**
 * A tree with nested and empty folders, an empty file, non-ASCII names, an executable, a file
 * spanning several 256 KiB chunks and a compressible one. Times are fixed to the millisecond.
 */
export async function makeTree(root: string): Promise<void> {
  const files: [string, Buffer | string, number?][] = [
    ['a.txt', 'hello\n'],
    ['empty.txt', ''],
    ['ünïcödé 名前.txt', 'non-ASCII name\n'],
    ['run.sh', '#!/bin/sh\necho hi\n', 0o755],
    ['sub/big.bin', noise(700_000, 7)],
    ['sub/log.txt', 'line of a compressible log file\n'.repeat(20_000)],
    ['sub/deeper/note.md', '# note\n', 0o600],
  ];
  await mkdir(join(root, 'sub', 'deeper'), { recursive: true });
  await mkdir(join(root, 'empty-dir'), { recursive: true });
  for (const [path, data, mode] of files) {
    await writeFile(join(root, path), data);
    await chmod(join(root, path), mode ?? 0o644);
  }
  await setTimes(root, FIXED_MTIME);
}

/** Sets every entry's mtime below `root` (deepest first), to known values. */
export async function setTimes(root: string, ms: number): Promise<void> {
  const entries = await readdir(root, { withFileTypes: true });
  for (const entry of entries) {
    const path = join(root, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) await setTimes(path, ms);
    await utimes(path, new Date(ms), new Date(ms));
  }
}

export interface Snapshot {
  [path: string]: { type: string; mode: number; size: number; mtime: number; sha256?: string; link?: string };
}

/**
 * Everything observable about a folder: every path with its type, mode, size, mtime and content
 * hash (the folder itself included as ".").
 */
export async function snapshot(root: string): Promise<Snapshot> {
  const result: Snapshot = {};
  const visit = async (path: string, rel: string) => {
    const stat = await lstat(path);
    const type = stat.isDirectory() ? 'dir' : stat.isFile() ? 'file' : stat.isSymbolicLink() ? 'link' : 'other';
    const item: Snapshot[string] = {
      type,
      mode: stat.mode & 0o7777,
      size: type === 'dir' ? 0 : stat.size,
      mtime: Math.round(stat.mtimeMs),
    };
    if (type === 'file')
      item.sha256 = createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
    if (type === 'link') item.link = await readlink(path);
    result[rel] = item;
    if (type === 'dir') {
      for (const name of (await readdir(path)).sort())
        await visit(join(path, name), rel === '.' ? name : `${rel}/${name}`);
    }
  };
  await visit(root, '.');
  return result;
}

/** Only what a restore should reproduce: paths, types, contents, modes and file times. */
export async function contentOf(root: string): Promise<Snapshot> {
  const full = await snapshot(root);
  delete full['.'];
  return full;
}

export async function leftovers(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names.filter((name) => name.startsWith('.coffer-') || name.includes('.partial-') || name.includes('.coffer-'));
}

export async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** A recovery key with valid check digits, made by the real command. */
export async function newKeyFile(dir: string, name = 'key.txt'): Promise<string> {
  const path = join(dir, name);
  const result = await coffer(['keygen', '-o', path, '-q']);
  if (result.code !== 0) throw new Error(`keygen failed: ${result.stderr}`);
  return path;
}

/**
 * Builds a backup directly from index entries, bypassing the writer's path checks, so tests can
 * hold hostile paths such as "../evil". Locked with the given recovery key.
 */
export async function craftBackup(
  files: { path: string; type: 'file' | 'dir'; data?: Uint8Array; mode?: number }[],
  recoveryKey: string,
): Promise<Uint8Array> {
  const { bytes: header, keys } = await buildHeader([{ kind: 'recovery-key', recoveryKey }], 18, randomBytes);
  const data: Uint8Array[] = [];
  const records: Uint8Array[] = [];
  let offset = 0;
  for (const file of files) {
    const bytes = file.data ?? new Uint8Array(0);
    const entry: IndexEntry = {
      path: file.path,
      type: file.type,
      method: 0,
      mode: file.mode ?? 0o644,
      mtime: FIXED_MTIME,
      size: bytes.length,
      storedLength: bytes.length,
      offset,
    };
    records.push(encodeRecord(entry));
    data.push(bytes);
    offset += bytes.length;
  }
  const index = concatBytes(records);
  const plaintext = concatBytes([
    ...data,
    index,
    encodeTrailer({ indexOffset: offset, indexLength: index.length, entryCount: files.length }),
  ]);
  const sealed: Uint8Array[] = [header];
  for await (const chunk of sealChunks(keys.payloadKey, cutChunks([plaintext], 2 ** 18))) sealed.push(chunk);
  return concatBytes(sealed);
}
