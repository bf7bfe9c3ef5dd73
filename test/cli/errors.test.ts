/**
 * Every exit code of the real `coffer` command, and the promises around failures: a failing
 * restore leaves the target and its parent exactly as they were, a failing create leaves no
 * partial file, and no user error prints a stack trace.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BIN,
  coffer,
  craftBackup,
  exists,
  leftovers,
  makeTree,
  newKeyFile,
  PASSPHRASE,
  ROOT,
  type RunResult,
  removeDir,
  snapshot,
  tempDir,
  withPassphrase,
} from './helpers.ts';

let work: string;
let src: string;
let key: string;
let backup: string;
let byKey: string[];

beforeAll(async () => {
  work = await tempDir();
  src = join(work, 'src');
  await makeTree(src);
  key = await newKeyFile(work);
  byKey = ['--recovery-key-file', key];
  backup = join(work, 'good.coffer');
  const created = await coffer(['create', '-o', backup, ...byKey, src]);
  expect(created.code).toBe(0);
});

afterAll(async () => {
  await removeDir(work);
});

/** A user error: one `coffer:` line (and maybe a hint), never a stack trace. */
function expectCleanError(result: RunResult, code: number, pattern?: RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stderr).toMatch(/^coffer: /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr).not.toContain('internal error');
  if (pattern) expect(result.stderr).toMatch(pattern);
}

async function copyWith(name: string, change: (bytes: Buffer) => Buffer): Promise<string> {
  const path = join(work, name);
  await writeFile(path, change(await readFile(backup)));
  return path;
}

async function layout(path: string): Promise<{ payloadOffset: number; chunkSize: number; chunkCount: number }> {
  const result = await coffer(['inspect', path, '--json']);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe('exit 2: usage', () => {
  it.each([
    [['frobnicate'], /unknown command/],
    [['list'], /which backup/],
    [['list', 'a.coffer', 'b.coffer'], /expected one backup file/],
    [['create', 'x'], /-o OUT.coffer is required/],
    [['create', '-o', 'x.coffer'], /nothing to back up/],
    [['restore', 'x.coffer'], /-o DIR is required/],
    [['list', 'x.coffer', '--bogus'], /bogus/],
    [['keygen'], /-o FILE is required/],
    [['create', '-o', 'x.coffer', '--kdf', 'weak', 'src'], /--kdf/],
    [['create', '-o', 'x.coffer', '--recovery-key-file', 'k', '--new-recovery-key', 'n', 'src'], /not both/],
  ])('coffer %j', async (args, pattern) => {
    expectCleanError(await coffer(args as string[]), 2, pattern as RegExp);
  });

  it('create without any way to unlock, and no terminal, names the options', async () => {
    const out = join(work, 'nokey.coffer');
    const result = await coffer(['create', '-o', out, src]);
    expectCleanError(result, 2, /COFFER_PASSPHRASE/);
    expect(result.stderr).toContain('--passphrase-file');
    expect(result.stderr).toContain('--recovery-key-file');
    expect(result.stderr).toContain('--new-recovery-key');
    expect(await exists(out)).toBe(false);
  });

  it('list, verify and restore without credentials, and no terminal, name the options', async () => {
    for (const args of [
      ['list', backup],
      ['verify', backup],
      ['restore', backup, '-o', join(work, 'never')],
    ]) {
      const result = await coffer(args);
      expectCleanError(result, 2, /recovery key/);
      expect(result.stderr).toContain('--recovery-key-file');
    }
    expect(await exists(join(work, 'never'))).toBe(false);
  });
});

describe('exit 3: wrong passphrase or key', () => {
  let passBackup: string;

  beforeAll(async () => {
    passBackup = join(work, 'pass.coffer');
    expect((await coffer(['create', '-o', passBackup, join(src, 'a.txt')], withPassphrase)).code).toBe(0);
  });

  it('a wrong passphrase', async () => {
    const result = await coffer(['verify', passBackup], { env: { COFFER_PASSPHRASE: `${PASSPHRASE}!` } });
    expectCleanError(result, 3, /[Ww]rong passphrase/);
    expect(result.stderr).not.toContain(PASSPHRASE);
  });

  it('a recovery key with a typo, reported before any decryption', async () => {
    const digits = (await readFile(key, 'utf8')).replace(/\s/g, '');
    const typo = join(work, 'typo.key');
    const changed = `${digits.slice(0, 10)}${(Number(digits[10]) + 1) % 10}${digits.slice(11)}`;
    await writeFile(typo, `${changed}\n`);
    const result = await coffer(['list', backup, '--recovery-key-file', typo]);
    expectCleanError(result, 3, /typo/);
    expect(result.stderr).not.toContain(changed);
    const short = join(work, 'short.key');
    await writeFile(short, digits.slice(0, 63));
    expectCleanError(await coffer(['list', backup, '--recovery-key-file', short]), 3, /64 digits/);
  });

  it('the recovery key of another backup, or for a passphrase-only backup', async () => {
    const other = await newKeyFile(work, 'other.key');
    expectCleanError(await coffer(['verify', backup, '--recovery-key-file', other]), 3, /recovery key/);
    expectCleanError(await coffer(['verify', passBackup, ...byKey]), 3, /passphrase/);
  });
});

describe('exit 4: not a Coffer file, damaged, tampered or truncated', () => {
  it('not a Coffer file (every command, with or without a key)', async () => {
    const text = join(work, 'notes.txt');
    await writeFile(text, 'just some notes\n');
    expectCleanError(await coffer(['inspect', text]), 4, /not a Coffer backup/);
    expectCleanError(await coffer(['list', text, ...byKey]), 4);
    expectCleanError(await coffer(['restore', text, '-o', join(work, 'never'), ...byKey]), 4);
    const empty = join(work, 'empty.coffer');
    await writeFile(empty, '');
    expectCleanError(await coffer(['verify', empty, ...byKey]), 4);
    expect(await exists(join(work, 'never'))).toBe(false);
  });

  it('a tampered chunk: the index still lists, verify fails', async () => {
    const { payloadOffset, chunkSize } = await layout(backup);
    const tampered = await copyWith('tampered.coffer', (bytes) => {
      bytes[payloadOffset + chunkSize + 16 + 100] ^= 0x01; // inside chunk 1
      return bytes;
    });
    expect((await coffer(['list', tampered, ...byKey])).code).toBe(0);
    expectCleanError(await coffer(['verify', tampered, ...byKey]), 4, /damaged/);
  });

  it('a tampered header', async () => {
    const tampered = await copyWith('header.coffer', (bytes) => {
      bytes[30] ^= 0x80; // the payload nonce, covered by the header MAC
      return bytes;
    });
    expectCleanError(await coffer(['verify', tampered, ...byKey]), 4, /header/);
  });

  it('truncated at a chunk boundary, inside a chunk, and inside the header', async () => {
    const { payloadOffset, chunkSize } = await layout(backup);
    const atBoundary = await copyWith('cut-boundary.coffer', (bytes) =>
      bytes.subarray(0, payloadOffset + 2 * (chunkSize + 16)),
    );
    expectCleanError(await coffer(['verify', atBoundary, ...byKey]), 4, /cut short/);
    expectCleanError(await coffer(['list', atBoundary, ...byKey]), 4);
    const inside = await copyWith('cut-inside.coffer', (bytes) => bytes.subarray(0, bytes.length - 1000));
    expectCleanError(await coffer(['verify', inside, ...byKey]), 4, /^coffer: this backup is incomplete/);
    const header = await copyWith('cut-header.coffer', (bytes) => bytes.subarray(0, 40));
    expectCleanError(await coffer(['inspect', header]), 4, /cut short/);
  });
});

describe('exit 4: cut short and altered get different headlines', () => {
  const headline = (stderr: string) => stderr.split('\n')[0];

  it('a file cut at several points says incomplete, never altered', async () => {
    const size = (await readFile(backup)).length;
    const { payloadOffset, chunkSize } = await layout(backup);
    for (const keep of [size - 1, size - 17, size - 1000, payloadOffset + chunkSize + 16 + 777, payloadOffset + 50]) {
      const cut = await copyWith(`cut-${keep}.coffer`, (bytes) => bytes.subarray(0, keep));
      for (const command of [['verify'], ['list']]) {
        const result = await coffer([...command, cut, ...byKey]);
        expectCleanError(result, 4);
        expect(headline(result.stderr), `cut to ${keep}`).toMatch(/incomplete/);
        expect(headline(result.stderr)).not.toMatch(/altered|tampered|chunk|integrity/);
      }
    }
  });

  it('a file altered in place says damaged or altered, with the internals on a details line', async () => {
    const { payloadOffset, chunkSize } = await layout(backup);
    const size = (await readFile(backup)).length;
    for (const at of [payloadOffset + 5, payloadOffset + chunkSize + 16 + 100, size - 40, size - 3]) {
      const altered = await copyWith(`altered-${at}.coffer`, (bytes) => {
        bytes[at] ^= 0x04;
        return bytes;
      });
      const result = await coffer(['verify', altered, ...byKey]);
      expectCleanError(result, 4);
      expect(headline(result.stderr), `flipped at ${at}`).toBe('coffer: this backup is damaged or has been altered.');
      expect(result.stderr).toMatch(/\ndetails: .*integrity check/);
    }
  });
});

describe('exit 5: refused', () => {
  it('a backup with an unsafe path is refused before anything is written', async () => {
    const digits = (await readFile(key, 'utf8')).replace(/\s/g, '');
    const evil = join(work, 'evil.coffer');
    await writeFile(
      evil,
      await craftBackup(
        [
          { path: 'fine.txt', type: 'file', data: new TextEncoder().encode('fine') },
          { path: '../evil.txt', type: 'file', data: new TextEncoder().encode('evil') },
        ],
        digits,
      ),
    );
    const parent = await mkdtemp(join(work, 'unsafe-'));
    const target = join(parent, 'target');
    await mkdir(target);
    const before = await snapshot(parent);
    const result = await coffer(['restore', evil, '-o', target, ...byKey]);
    expectCleanError(result, 5, /unsafe path "\.\.\/evil\.txt"/);
    expect(await snapshot(parent)).toEqual(before);
    expect(await exists(join(parent, 'evil.txt'))).toBe(false);
    expectCleanError(await coffer(['list', evil, ...byKey]), 5);
  });

  it('create refuses an existing output and an existing key file, touching neither', async () => {
    const out = join(work, 'exists.coffer');
    await writeFile(out, 'precious');
    expectCleanError(await coffer(['create', '-o', out, ...byKey, src]), 5, /already exists/);
    expect(await readFile(out, 'utf8')).toBe('precious');

    const keyFile = join(work, 'exists.key');
    await writeFile(keyFile, 'old key');
    const fresh = join(work, 'fresh.coffer');
    expectCleanError(await coffer(['create', '-o', fresh, '--new-recovery-key', keyFile, src]), 5, /already exists/);
    expect(await readFile(keyFile, 'utf8')).toBe('old key');
    expect(await exists(fresh)).toBe(false);
  });

  it('create --overwrite replaces an existing backup', async () => {
    const out = join(work, 'replace.coffer');
    await writeFile(out, 'old');
    expect((await coffer(['create', '-o', out, '--overwrite', ...byKey, join(src, 'a.txt')])).code).toBe(0);
    expect((await coffer(['verify', out, ...byKey])).code).toBe(0);
  });
});

describe('exit 1: other errors', () => {
  it('a PATH that does not exist: no output, no key file, no partial file', async () => {
    const dir = await mkdtemp(join(work, 'missing-'));
    const out = join(dir, 'out.coffer');
    const keyFile = join(dir, 'new.key');
    const result = await coffer(['create', '-o', out, '--new-recovery-key', keyFile, join(dir, 'no-such-folder')]);
    expectCleanError(result, 1, /no-such-folder.*no such file or folder/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('a backup file that does not exist, or a restore whose parent folder is missing', async () => {
    expectCleanError(await coffer(['list', join(work, 'nope.coffer'), ...byKey]), 1, /no such file/);
    expectCleanError(await coffer(['restore', backup, '-o', join(work, 'no', 'such', 'dir'), ...byKey]), 1);
    expect(await exists(join(work, 'no'))).toBe(false);
  });

  // Root reads any file, and CI runs as root: there the command runs as the unprivileged user
  // "nobody" (uid 65534) in a folder it may write, so the case runs everywhere.
  it('an unreadable input file', async () => {
    const asRoot = process.getuid?.() === 0;
    const ordinaryUser = asRoot ? { uid: 65534, gid: 65534 } : {};
    const dir = await mkdtemp(join(tmpdir(), 'coffer-unreadable-'));
    try {
      await chmod(dir, 0o777);
      const keyCopy = join(dir, 'key.txt');
      await writeFile(keyCopy, await readFile(byKey[1]), { mode: 0o644 });
      const secret = join(dir, 'secret.txt');
      await writeFile(secret, 'x');
      await chmod(secret, 0);
      const out = join(dir, 'out.coffer');
      const result = await coffer(['create', '-o', out, '--recovery-key-file', keyCopy, secret], ordinaryUser);
      expectCleanError(result, 1, /permission denied/);
      expect(await exists(out)).toBe(false);
      expect(await leftovers(dir)).toEqual([]);
    } finally {
      await removeDir(dir);
    }
  });

  it.skipIf(!(process.platform === 'linux'))(
    'a read error in the middle of create leaves no partial backup and removes the new key',
    async () => {
      // /proc/self/mem looks like a regular file but fails on read (EIO at offset 0).
      const dir = await mkdtemp(join(work, 'readfail-'));
      const out = join(dir, 'out.coffer');
      const keyFile = join(dir, 'new.key');
      const result = await coffer([
        'create',
        '-o',
        out,
        '--new-recovery-key',
        keyFile,
        join(src, 'a.txt'),
        '/proc/self/mem',
      ]);
      expectCleanError(result, 1, /cannot read "\/proc\/self\/mem"/);
      expect(await readdir(dir)).toEqual([]);
    },
  );
});

describe('restore never changes the target when it fails', () => {
  it('a tampered backup into a folder that exists: parent and target byte-for-byte unchanged', async () => {
    const { payloadOffset, chunkSize, chunkCount } = await layout(backup);
    expect(chunkCount).toBeGreaterThanOrEqual(3);
    const tampered = await copyWith('tampered-late.coffer', (bytes) => {
      // Chunk 2: the files before it have already been written to staging when this fails.
      bytes[payloadOffset + 2 * (chunkSize + 16) + 5] ^= 0x40;
      return bytes;
    });
    const parent = await mkdtemp(join(work, 'keep-'));
    const target = join(parent, 'target');
    await mkdir(join(target, 'src'), { recursive: true });
    await writeFile(join(target, 'existing.txt'), 'keep me');
    await writeFile(join(parent, 'sibling.txt'), 'and me');
    const before = await snapshot(parent);
    const result = await coffer(['restore', tampered, '-o', target, ...byKey, '--overwrite']);
    expectCleanError(result, 4, /damaged/);
    expect(await snapshot(parent)).toEqual(before);
    expect(await leftovers(parent)).toEqual([]);
  });

  it('a tampered backup into a new folder: the folder is not created', async () => {
    const tampered = join(work, 'tampered-late.coffer');
    const parent = await mkdtemp(join(work, 'new-'));
    const before = await snapshot(parent);
    const result = await coffer(['restore', tampered, '-o', join(parent, 'fresh'), ...byKey]);
    expectCleanError(result, 4);
    expect(await snapshot(parent)).toEqual(before);
  });

  it('an existing file without --overwrite: exit 5, nothing written at all', async () => {
    const parent = await mkdtemp(join(work, 'clash-'));
    const target = join(parent, 'target');
    await mkdir(join(target, 'src'), { recursive: true });
    await writeFile(join(target, 'src', 'run.sh'), 'mine');
    const before = await snapshot(parent);
    const result = await coffer(['restore', backup, '-o', target, ...byKey]);
    expectCleanError(result, 5, /src\/run\.sh" already exists/);
    expect(result.stderr).toContain('--overwrite');
    expect(await snapshot(parent)).toEqual(before);
  });
});

describe('Ctrl-C', () => {
  let dir: string;
  let big: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(work, 'sigint-'));
    big = join(dir, 'big.bin');
    await writeFile(big, randomBytes(96 * 1024 * 1024));
  });

  /** Starts the command, sends SIGINT as soon as `ready` sees its temporary files, returns the exit. */
  async function interrupt(args: string[], watch: string, ready: (name: string) => boolean) {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (data) => {
      stderr += data;
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    let interrupted = false;
    for (let i = 0; i < 2000 && child.exitCode === null; i++) {
      if ((await readdir(watch)).some(ready)) {
        child.kill('SIGINT');
        interrupted = true;
        break;
      }
      await new Promise((done) => setTimeout(done, 10));
    }
    return { code: await exited, interrupted, stderr };
  }

  it('during create removes the partial backup and the new key file (exit 130)', async () => {
    const outDir = join(dir, 'out');
    await mkdir(outDir);
    const args = ['create', '-o', join(outDir, 'b.coffer'), '--new-recovery-key', join(outDir, 'b.key'), big];
    const { code, interrupted, stderr } = await interrupt(args, outDir, (name) => name.includes('.partial-'));
    expect(interrupted, stderr).toBe(true);
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/cancelled/);
    expect(await readdir(outDir)).toEqual([]);
  });

  it('during restore removes the staging folder and leaves the target alone (exit 130)', async () => {
    const bigBackup = join(dir, 'big.coffer');
    expect((await coffer(['create', '-o', bigBackup, '--no-compress', ...byKey, big])).code).toBe(0);
    const parent = join(dir, 'restore-parent');
    await mkdir(join(parent, 'target'), { recursive: true });
    await writeFile(join(parent, 'target', 'keep.txt'), 'keep');
    const before = await snapshot(parent);
    const args = ['restore', bigBackup, '-o', join(parent, 'target'), ...byKey];
    const { code, interrupted, stderr } = await interrupt(args, parent, (name) => name.startsWith('.coffer-restore-'));
    expect(interrupted, stderr).toBe(true);
    expect(code, stderr).toBe(130);
    expect(await snapshot(parent)).toEqual(before);
  });
});

describe('published test vectors, one per failure class', () => {
  const vectors = join(ROOT, 'spec', 'vectors');
  const exitFor: Record<string, number> = {
    success: 0,
    not_coffer: 4,
    unsupported_version: 4,
    header_damaged: 4,
    wrong_key: 3,
    key_typo: 3,
    payload_damaged: 4,
    truncated: 4,
    unsafe_entry: 5,
    limit_exceeded: 5,
  };

  interface Vector {
    name: string;
    expect: string;
    credentials?: { passphrase?: string; recoveryKey?: string };
    entries?: { path: string; type: string; mode: number; mtime: number; sha256?: string }[];
  }

  async function loadVectors(): Promise<Vector[]> {
    // The vectors ship with the repository: none found is a failure, never a silent pass.
    const names = (await readdir(vectors)).filter((name) => name.endsWith('.json')).sort();
    expect(names.length).toBeGreaterThan(0);
    return Promise.all(names.map(async (name) => JSON.parse(await readFile(join(vectors, name), 'utf8')) as Vector));
  }

  async function run(vector: Vector, args: string[]): Promise<RunResult> {
    const extra: string[] = [];
    const env: Record<string, string> = {};
    if (vector.credentials?.recoveryKey !== undefined) {
      const file = join(work, `${vector.name}.key`);
      await writeFile(file, vector.credentials.recoveryKey);
      extra.push('--recovery-key-file', file);
    }
    if (vector.credentials?.passphrase !== undefined) env.COFFER_PASSPHRASE = vector.credentials.passphrase;
    return coffer([...args, ...extra], { env });
  }

  it('verify exits with the code of each class', async () => {
    const all = await loadVectors();
    const seen = new Set<string>();
    for (const vector of all) {
      if (seen.has(vector.expect) || !(vector.expect in exitFor) || vector.credentials === undefined) continue;
      if (vector.credentials.passphrase === '') continue;
      seen.add(vector.expect);
      const result = await run(vector, ['verify', join(vectors, `${vector.name}.coffer`)]);
      expect(result.code, `${vector.name}: ${result.stderr}`).toBe(exitFor[vector.expect]);
      if (result.code !== 0) expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    // Every failure class was exercised by at least one vector.
    expect([...seen].sort()).toEqual(Object.keys(exitFor).sort());
  });

  it('restores the mixed-tree vector with its contents, modes and times', async () => {
    const vector = (await loadVectors()).find((v) => v.name === 'success-mixed-tree');
    if (!vector?.entries) throw new Error('the vector success-mixed-tree (with its entries) is missing');
    const out = join(await mkdtemp(join(work, 'vector-')), 'out');
    const result = await run(vector, ['restore', join(vectors, `${vector.name}.coffer`), '-o', out]);
    expect(result.code, result.stderr).toBe(0);
    for (const entry of vector.entries) {
      const path = join(out, entry.path);
      const info = await stat(path);
      expect(Math.round(info.mtimeMs), entry.path).toBe(entry.mtime);
      const expectedMode = entry.mode & 0o755 || (entry.type === 'dir' ? 0o700 : 0o600);
      expect(info.mode & 0o777, entry.path).toBe(expectedMode);
      if (entry.sha256) {
        expect(
          createHash('sha256')
            .update(await readFile(path))
            .digest('hex'),
          entry.path,
        ).toBe(entry.sha256);
      }
    }
  });
});
