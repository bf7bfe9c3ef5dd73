/**
 * The real `coffer` command on real folders: create, list, verify, restore and inspect round
 * trips with a passphrase, a recovery key and both; keygen; --only and --overwrite; what create
 * skips; help and version.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rename, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  coffer,
  contentOf,
  exists,
  FIXED_MTIME,
  leftovers,
  makeTree,
  newKeyFile,
  PASSPHRASE,
  ROOT,
  removeDir,
  tempDir,
  withPassphrase,
} from './helpers.ts';

let work: string;
let src: string;

beforeAll(async () => {
  work = await tempDir();
  src = join(work, 'photos');
  await makeTree(src);
});

afterAll(async () => {
  await removeDir(work);
});

const KEY_FORMAT = /^\d{4}( \d{4}){15}\n$/;

describe('a backup locked with a passphrase and a recovery key', () => {
  let backup: string;
  let key: string;
  let byKey: string[];

  beforeAll(async () => {
    backup = join(work, 'main.coffer');
    key = await newKeyFile(work, 'main.key');
    byKey = ['--recovery-key-file', key];
    const created = await coffer(['create', '-o', backup, '--recovery-key-file', key, src], withPassphrase);
    expect(created.stderr).toContain('Backed up 7 files and 4 folders');
    expect(created.code).toBe(0);
  });

  it('lists every entry with size, ISO mtime and type, folders before their contents', async () => {
    const listed = await coffer(['list', backup, '--json', ...byKey]);
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as { path: string; size: number; mtime: string; type: string }[];
    expect(rows.map((row) => row.path)).toEqual([
      'photos',
      'photos/a.txt',
      'photos/empty-dir',
      'photos/empty.txt',
      'photos/run.sh',
      'photos/sub',
      'photos/sub/big.bin',
      'photos/sub/deeper',
      'photos/sub/deeper/note.md',
      'photos/sub/log.txt',
      'photos/ünïcödé 名前.txt',
    ]);
    expect(rows[1]).toEqual({
      path: 'photos/a.txt',
      size: 6,
      mtime: new Date(FIXED_MTIME).toISOString(),
      type: 'file',
    });
    expect(rows[0]).toMatchObject({ type: 'dir', size: 0 });
    expect(rows.find((row) => row.path === 'photos/sub/big.bin')?.size).toBe(700_000);
    for (const row of rows) expect(Object.keys(row).sort()).toEqual(['mtime', 'path', 'size', 'type']);
  });

  it('lists in aligned human-readable lines with a total', async () => {
    const listed = await coffer(['list', backup, ...byKey]);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[0]).toMatch(/^dir\s+-\s+\d{4}-\d\d-\d\d \d\d:\d\d {2}photos\/$/);
    expect(lines[1]).toMatch(/^file\s+6 B\s+\d{4}-\d\d-\d\d \d\d:\d\d {2}photos\/a\.txt$/);
    // Aligned: every path starts in the same column.
    const columns = new Set(lines.slice(0, -1).map((line) => line.indexOf('photos')));
    expect(columns.size).toBe(1);
    expect(lines[11]).toMatch(/^7 files, 4 folders, .* in total$/);
  });

  it('verifies with the passphrase', async () => {
    const verified = await coffer(['verify', backup], withPassphrase);
    expect(verified.code).toBe(0);
    const total = 6 + 0 + 15 + 18 + 700_000 + 32 * 20_000 + 7;
    expect(verified.stdout).toMatch(/^OK: 7 files, \d+ bytes verified\n$/);
    expect(Number(verified.stdout.match(/(\d+) bytes/)?.[1])).toBe(total);
  });

  it('restores byte for byte, with modes, times, empty files and folders and non-ASCII names', async () => {
    const out = join(work, 'restored-pass');
    const restored = await coffer(['restore', backup, '-o', out], withPassphrase);
    expect(restored.stderr).toContain('Restored 7 files');
    expect(restored.code).toBe(0);
    expect(await contentOf(join(out, 'photos'))).toEqual(await contentOf(src));
    expect(await leftovers(work)).toEqual([]);
  });

  it('restores just one file with --only, or one folder', async () => {
    const one = join(work, 'only-one');
    const result = await coffer(['restore', backup, '-o', one, '--only', './photos/sub/deeper/note.md', ...byKey]);
    expect(result.code).toBe(0);
    const got = await contentOf(one);
    expect(Object.keys(got)).toEqual(['photos', 'photos/sub', 'photos/sub/deeper', 'photos/sub/deeper/note.md']);
    expect(await readFile(join(one, 'photos/sub/deeper/note.md'), 'utf8')).toBe('# note\n');

    const folder = join(work, 'only-folder');
    const second = await coffer([
      'restore',
      backup,
      '-o',
      folder,
      '--only',
      'photos/sub/',
      '--only',
      'photos/a.txt',
      ...byKey,
    ]);
    expect(second.code).toBe(0);
    expect(Object.keys(await contentOf(folder))).toEqual([
      'photos',
      'photos/a.txt',
      'photos/sub',
      'photos/sub/big.bin',
      'photos/sub/deeper',
      'photos/sub/deeper/note.md',
      'photos/sub/log.txt',
    ]);
    expect(await readFile(join(folder, 'photos/sub/big.bin'))).toEqual(await readFile(join(src, 'sub/big.bin')));
  });

  it('refuses an --only that matches nothing (exit 2)', async () => {
    const out = join(work, 'only-none');
    const result = await coffer(['restore', backup, '-o', out, '--only', 'photos/nope', ...byKey]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no entry matches');
    expect(await exists(out)).toBe(false);
  });

  it('takes the passphrase from the first line of --passphrase-file', async () => {
    const file = join(work, 'pass.txt');
    await writeFile(file, `${PASSPHRASE}\r\nsecond line is ignored\n`);
    const listed = await coffer(['list', backup, '--passphrase-file', file, '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(11);
  });

  it('inspects the header without a key', async () => {
    const inspected = await coffer(['inspect', backup, '--json']);
    expect(inspected.code).toBe(0);
    const info = JSON.parse(inspected.stdout);
    expect(info).toMatchObject({
      version: 1,
      slots: [
        { type: 'passphrase', kdf: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1 },
        { type: 'recovery-key', kdf: 'hkdf-sha256' },
      ],
      chunkSize: 262144,
      sealedChunkSize: 262160,
    });
    const { size } = await stat(backup);
    expect(info.fileSize).toBe(size);
    expect(info.payloadOffset).toBe(info.headerLength);
    // Chunk i starts at payloadOffset + i * (chunkSize + 16); the last one holds the rest.
    const last = size - (info.payloadOffset + (info.chunkCount - 1) * (info.chunkSize + 16));
    expect(last).toBeGreaterThan(16);
    expect(last).toBeLessThanOrEqual(info.chunkSize + 16);

    const human = await coffer(['inspect', backup]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('format version 1');
    expect(human.stdout).toMatch(/passphrase \(Argon2id/);
  });
});

describe('recovery keys', () => {
  it('keygen writes a key grouped by four with mode 0600 and refuses to overwrite', async () => {
    const key = join(work, 'fresh.key');
    const made = await coffer(['keygen', '-o', key]);
    expect(made.code).toBe(0);
    expect(made.stderr).toContain(key);
    expect(made.stdout).toBe('');
    const text = await readFile(key, 'utf8');
    expect(text).toMatch(KEY_FORMAT);
    expect((await stat(key)).mode & 0o777).toBe(0o600);

    const again = await coffer(['keygen', '-o', key]);
    expect(again.code).toBe(5);
    expect(await readFile(key, 'utf8')).toBe(text);
  });

  it('round-trips with --new-recovery-key and no passphrase', async () => {
    const dir = await mkdtemp(join(work, 'rk-'));
    const backup = join(dir, 'rk.coffer');
    const key = join(dir, 'rk.key');
    const created = await coffer(['create', '-o', backup, '--new-recovery-key', key, src]);
    expect(created.code).toBe(0);
    expect(await readFile(key, 'utf8')).toMatch(KEY_FORMAT);
    expect((await stat(key)).mode & 0o777).toBe(0o600);

    const inspected = JSON.parse((await coffer(['inspect', backup, '--json'])).stdout);
    expect(inspected.slots).toEqual([{ type: 'recovery-key', kdf: 'hkdf-sha256' }]);

    const out = join(dir, 'out');
    const restored = await coffer(['restore', backup, '-o', out, '--recovery-key-file', key]);
    expect(restored.code).toBe(0);
    expect(await contentOf(join(out, 'photos'))).toEqual(await contentOf(src));

    // A passphrase does not open a recovery-key-only backup.
    const wrong = await coffer(['list', backup], withPassphrase);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/recovery key/);
  });

  it('accepts a recovery key retyped with dashes and line breaks, and tries both credentials', async () => {
    const dir = await mkdtemp(join(work, 'retype-'));
    const key = await newKeyFile(dir);
    const backup = join(dir, 'k.coffer');
    expect((await coffer(['create', '-o', backup, '--recovery-key-file', key, join(src, 'sub')])).code).toBe(0);
    const digits = (await readFile(key, 'utf8')).replace(/\s/g, '');
    const retyped = join(dir, 'retyped.key');
    await writeFile(retyped, `${digits.slice(0, 32).replace(/(\d{4})/g, '$1-')}\n${digits.slice(32)}\n`);
    const verified = await coffer(['verify', backup, '--recovery-key-file', retyped]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^OK: 3 files/);
    // A passphrase given as well (and wrong) does not stop the key from opening it.
    const mixed = await coffer(['list', backup, '--recovery-key-file', key], { env: { COFFER_PASSPHRASE: 'not it' } });
    expect(mixed.code).toBe(0);
  });

  it('--new-recovery-key with a passphrase adds both slots', async () => {
    const dir = await mkdtemp(join(work, 'newboth-'));
    const backup = join(dir, 'b.coffer');
    const key = join(dir, 'b.key');
    const created = await coffer(
      ['create', '-o', backup, '--new-recovery-key', key, join(src, 'a.txt')],
      withPassphrase,
    );
    expect(created.code).toBe(0);
    const listed = await coffer(['list', backup, '--recovery-key-file', key, '--json']);
    expect(JSON.parse(listed.stdout).map((row: { path: string }) => row.path)).toEqual(['a.txt']);
  });
});

describe('create', () => {
  it('puts several PATHs side by side, by their own names', async () => {
    const dir = await mkdtemp(join(work, 'multi-'));
    const key = await newKeyFile(dir);
    const backup = join(dir, 'm.coffer');
    const created = await coffer([
      'create',
      '-o',
      backup,
      '--recovery-key-file',
      key,
      join(src, 'sub', 'deeper'),
      join(src, 'a.txt'),
      join(src, 'empty-dir'),
    ]);
    expect(created.code).toBe(0);
    const listed = await coffer(['list', backup, '--recovery-key-file', key, '--json']);
    expect(JSON.parse(listed.stdout).map((row: { path: string }) => row.path)).toEqual([
      'deeper',
      'deeper/note.md',
      'a.txt',
      'empty-dir',
    ]);
  });

  it('skips symbolic links, special files and unrepresentable names with a warning', async () => {
    const dir = await mkdtemp(join(work, 'skip-'));
    const tree = join(dir, 'tree');
    await mkdir(join(tree, 'real'), { recursive: true });
    await writeFile(join(tree, 'real', 'file.txt'), 'data');
    await writeFile(join(tree, 'back\\slash.txt'), 'x');
    await symlink('real/file.txt', join(tree, 'link-to-file'));
    await symlink('real', join(tree, 'link-to-dir'));
    const key = await newKeyFile(dir);
    const backup = join(dir, 's.coffer');
    const created = await coffer(['create', '-o', backup, '--recovery-key-file', key, tree]);
    expect(created.code).toBe(0);
    expect(created.stderr).toMatch(/warning: skipped symbolic link "tree\/link-to-file"/);
    expect(created.stderr).toMatch(/warning: skipped symbolic link "tree\/link-to-dir"/);
    expect(created.stderr).toMatch(/warning: skipped "tree\/back\\\\slash.txt".*backslash/);
    const listed = await coffer(['list', backup, '--recovery-key-file', key, '--json']);
    expect(JSON.parse(listed.stdout).map((row: { path: string }) => row.path)).toEqual([
      'tree',
      'tree/real',
      'tree/real/file.txt',
    ]);
    const help = await coffer(['create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/symbolic links/);
  });

  it('--no-compress stores files as they are, --kdf strong uses the strong Argon2id preset', async () => {
    const dir = await mkdtemp(join(work, 'options-'));
    const key = await newKeyFile(dir);
    const plain = join(dir, 'plain.coffer');
    const packed = join(dir, 'packed.coffer');
    const log = join(src, 'sub', 'log.txt');
    expect((await coffer(['create', '-o', plain, '--no-compress', '--recovery-key-file', key, log])).code).toBe(0);
    expect((await coffer(['create', '-o', packed, '--recovery-key-file', key, log])).code).toBe(0);
    expect((await stat(plain)).size).toBeGreaterThan(640_000);
    expect((await stat(packed)).size).toBeLessThan(64_000);
    const out = join(dir, 'out');
    expect((await coffer(['restore', plain, '-o', out, '--recovery-key-file', key, '-q'])).code).toBe(0);
    expect(await readFile(join(out, 'log.txt'))).toEqual(await readFile(log));

    const strong = join(dir, 'strong.coffer');
    expect(
      (await coffer(['create', '-o', strong, '--kdf', 'strong', '-q', join(src, 'a.txt')], withPassphrase)).code,
    ).toBe(0);
    const info = JSON.parse((await coffer(['inspect', strong, '--json'])).stdout);
    expect(info.slots).toEqual([
      { type: 'passphrase', kdf: 'argon2id', memoryKiB: 262144, iterations: 4, parallelism: 1 },
    ]);
  });

  it('refuses two PATHs with the same name (exit 2) and writes nothing', async () => {
    const dir = await mkdtemp(join(work, 'same-'));
    await mkdir(join(dir, 'x', 'data'), { recursive: true });
    await mkdir(join(dir, 'y', 'data'), { recursive: true });
    const backup = join(dir, 'same.coffer');
    const result = await coffer(
      ['create', '-o', backup, join(dir, 'x', 'data'), join(dir, 'y', 'data')],
      withPassphrase,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/both be stored as "data"/);
    expect(await exists(backup)).toBe(false);
  });
});

describe('restore into an existing folder', () => {
  let backup: string;
  let key: string;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(work, 'merge-'));
    key = await newKeyFile(dir);
    backup = join(dir, 'merge.coffer');
    expect((await coffer(['create', '-o', backup, '--recovery-key-file', key, src])).code).toBe(0);
  });

  it('merges new entries into it, leaving unrelated files alone', async () => {
    const target = join(dir, 'target-merge');
    await mkdir(join(target, 'photos', 'sub'), { recursive: true });
    await writeFile(join(target, 'mine.txt'), 'mine');
    await writeFile(join(target, 'photos', 'sub', 'also-mine.txt'), 'also mine');
    const result = await coffer(['restore', backup, '-o', target, '--recovery-key-file', key]);
    expect(result.code).toBe(0);
    expect(await readFile(join(target, 'mine.txt'), 'utf8')).toBe('mine');
    expect(await readFile(join(target, 'photos', 'sub', 'also-mine.txt'), 'utf8')).toBe('also mine');
    const restored = await contentOf(join(target, 'photos'));
    delete restored['sub/also-mine.txt'];
    const original = await contentOf(src);
    // Folders that already existed keep their own times; everything else matches.
    delete restored.sub;
    delete original.sub;
    expect(restored).toEqual(original);
    expect(await leftovers(dir)).toEqual([]);
  });

  it('replaces existing files only with --overwrite', async () => {
    const target = join(dir, 'target-overwrite');
    await mkdir(join(target, 'photos'), { recursive: true });
    await writeFile(join(target, 'photos', 'a.txt'), 'old contents');
    const refused = await coffer(['restore', backup, '-o', target, '--recovery-key-file', key]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('photos/a.txt');
    expect(refused.stderr).toContain('--overwrite');
    expect(await readFile(join(target, 'photos', 'a.txt'), 'utf8')).toBe('old contents');
    expect(await exists(join(target, 'photos', 'sub'))).toBe(false);

    const replaced = await coffer(['restore', backup, '-o', target, '--recovery-key-file', key, '--overwrite']);
    expect(replaced.code).toBe(0);
    expect(await readFile(join(target, 'photos', 'a.txt'), 'utf8')).toBe('hello\n');
    expect(await contentOf(join(target, 'photos'))).toEqual(await contentOf(src));
    expect((await readdir(join(target, 'photos'))).filter((name) => name.includes('coffer'))).toEqual([]);
  });

  it('refuses a file where a folder is, even with --overwrite (exit 5)', async () => {
    const target = join(dir, 'target-typeclash');
    await mkdir(join(target, 'photos', 'a.txt'), { recursive: true });
    const result = await coffer(['restore', backup, '-o', target, '--recovery-key-file', key, '--overwrite']);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/is a folder/);
    expect(await exists(join(target, 'photos', 'sub'))).toBe(false);
  });

  it('refuses a target that is a file (exit 5)', async () => {
    const target = join(dir, 'plain-file');
    await writeFile(target, 'not a folder');
    const result = await coffer(['restore', backup, '-o', target, '--recovery-key-file', key]);
    expect(result.code).toBe(5);
    expect(await readFile(target, 'utf8')).toBe('not a folder');
  });

  it('restores from a backup that was renamed (a name is just a name)', async () => {
    const moved = join(dir, 'renamed.bin');
    await rename(backup, moved);
    const result = await coffer(['verify', moved, '--recovery-key-file', key, '-q']);
    await rename(moved, backup);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
  });
});

describe('help and version', () => {
  it('prints help (exit 0), usage without a command (exit 2) and the version', async () => {
    const help = await coffer(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['create', 'list', 'verify', 'restore', 'inspect', 'keygen']) {
      expect(help.stdout).toContain(`coffer ${command}`);
    }
    expect(help.stdout).toContain('COFFER_PASSPHRASE');
    const bare = await coffer([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage');
    const version = await coffer(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^coffer \d+\.\d+\.\d+\n$/);
    // The documented way to run it from the repository works too, exit codes included.
    const viaNpm = await new Promise<{ code: number; stdout: string }>((done) =>
      execFile('npm', ['run', '--silent', 'coffer', '--', '--version'], { cwd: ROOT }, (error, stdout) =>
        done({ code: error ? Number(error.code) : 0, stdout }),
      ),
    );
    expect(viaNpm).toEqual({ code: 0, stdout: version.stdout });
    const restoreHelp = await coffer(['restore', '-h']);
    expect(restoreHelp.code).toBe(0);
    expect(restoreHelp.stdout).toContain('--overwrite');
  });
});
