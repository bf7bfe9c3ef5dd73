/**
 * The command-line tool as the one file the app serves (vite.cli.ts): copied alone into an empty
 * folder, with no node_modules to fall back on, it creates (zstd on its threads, repair data on
 * its parity thread), lists, restores and verifies, and reads WhatsApp chats with its own SQLite.
 */
import { stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliFile } from '../../vite.cli.ts';
import { generateContacts, generateModern, HAVE_SCHEMA } from '../whatsapp/chat-fixtures.ts';
import { coffer, makeTree, removeDir, snapshot, tempDir } from './helpers.ts';

let work: string;
let tool: string;

/** The one-file tool, run in its own folder. */
const run = (args: string[]) => coffer(args, { bin: tool, cwd: work });

beforeAll(async () => {
  work = await tempDir('coffer-one-file-');
  tool = join(work, 'coffer.mjs');
  await writeFile(tool, await buildCliFile('9.9.9-test'));
  await makeTree(join(work, 'src'));
}, 120_000);

afterAll(async () => {
  await removeDir(work);
});

describe('the one-file command-line tool', () => {
  it('has no node_modules to fall back on where it runs', () => {
    // Otherwise a file it fails to carry would be found on disk and the test would prove nothing.
    expect(() => createRequire(tool).resolve('@bokuweb/zstd-wasm')).toThrow();
    expect(() => createRequire(tool).resolve('@sqlite.org/sqlite-wasm')).toThrow();
  });

  it('says its version', async () => {
    const result = await run(['--version']);
    expect(result.stdout.trim()).toBe('coffer 9.9.9-test');
  });

  it('creates with zstd and repair data, lists, restores and verifies', async () => {
    expect((await run(['keygen', '-o', 'key.txt', '-q'])).code).toBe(0);
    const key = ['--recovery-key-file', 'key.txt'];
    const created = await run(['create', '--compression', 'zstd', '--parity', '10', ...key, '-o', 'b.coffer', 'src']);
    expect(created.code, created.stderr).toBe(0);
    const stored = await run(['create', '--no-compress', '--parity', '10', ...key, '-o', 'stored.coffer', 'src']);
    expect(stored.code, stored.stderr).toBe(0);
    // zstd ran: the 640 KB log shrinks to almost nothing.
    const sizes = await Promise.all(
      ['b.coffer', 'stored.coffer'].map(async (name) => (await stat(join(work, name))).size),
    );
    expect(sizes[1] - sizes[0]).toBeGreaterThan(500_000);
    const listed = await run(['list', 'b.coffer', ...key]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('src/sub/log.txt');
    const restored = await run(['restore', 'b.coffer', '-o', 'out', ...key]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await snapshot(join(work, 'out', 'src'))).toEqual(await snapshot(join(work, 'src')));
    const verified = await run(['verify', 'b.coffer', ...key]);
    expect(verified.code, verified.stderr).toBe(0);
  }, 120_000);

  it.skipIf(!HAVE_SCHEMA)(
    'reads WhatsApp chats with the SQLite it carries',
    async () => {
      await writeFile(join(work, 'msgstore.db'), await generateModern({ bulk: 20 }));
      await writeFile(join(work, 'wa.db'), await generateContacts());
      const result = await run(['whatsapp', 'chats', 'msgstore.db', '--contacts', 'wa.db', '-o', 'chats']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('Exported 5 chats');
    },
    120_000,
  );
});
