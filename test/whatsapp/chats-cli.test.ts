/** The real `coffer whatsapp chats DB -o DIR` command: the export, its refusals and exit codes. */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coffer, removeDir, tempDir } from '../cli/helpers.ts';
import { generateContacts, generateModern, HAVE_SCHEMA, KNOWN } from './chat-fixtures.ts';

describe.skipIf(!HAVE_SCHEMA)('coffer whatsapp chats', () => {
  let work: string;
  let db: Buffer;
  beforeAll(async () => {
    work = await tempDir('coffer-wa-chats-');
    db = Buffer.from(await generateModern({ bulk: 200 }));
    await writeFile(join(work, 'msgstore.db'), db);
    await writeFile(join(work, 'wa.db'), await generateContacts());
  }, 60_000);
  afterAll(async () => {
    await removeDir(work);
  });

  it('writes DIR/whatsapp-chats.html with every chat, contact names, the database hash and the time', async () => {
    const before = Date.now();
    const out = join(work, 'export');
    const result = await coffer([
      'whatsapp',
      'chats',
      join(work, 'msgstore.db'),
      '-o',
      out,
      '--contacts',
      join(work, 'wa.db'),
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Exported 5 chats (218 messages, modern schema) from msgstore.db');
    expect(await readdir(out)).toEqual(['whatsapp-chats.html']);
    const html = await readFile(join(out, 'whatsapp-chats.html'), 'utf8');
    expect(html).toContain(`<code class="sha256">${createHash('sha256').update(db).digest('hex')}</code>`);
    const time = Date.parse(/<time class="exported" datetime="([^"]+)"/.exec(html)?.[1] ?? '');
    expect(time).toBeGreaterThanOrEqual(before - 1000);
    expect(time).toBeLessThanOrEqual(Date.now());
    expect(html).toContain(`<p dir="auto">${KNOWN.text}</p>`);
    expect(html).toContain(`<h2 dir="auto">${KNOWN.chat}</h2>`);
    expect(html).toContain('200: ');
  });

  it('refuses a folder that is not empty, and a database of another kind, leaving nothing', async () => {
    const full = join(work, 'full');
    await mkdir(full);
    await writeFile(join(full, 'keep.txt'), 'mine');
    const refused = await coffer(['whatsapp', 'chats', join(work, 'msgstore.db'), '-o', full]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('already exists and is not empty; nothing was written');
    expect(await readdir(full)).toEqual(['keep.txt']);

    const other = await coffer(['whatsapp', 'chats', join(work, 'wa.db'), '-o', join(work, 'never')]);
    expect(other.code).toBe(4);
    expect(other.stderr).toContain('This database is not a WhatsApp message store Coffer can read');
    expect(other.stderr).toContain('needs table "message"');
    expect(await readdir(work)).not.toContain('never');

    const usage = await coffer(['whatsapp', 'chats', join(work, 'msgstore.db')]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('-o DIR is required');
    const help = await coffer(['whatsapp', 'chats', '--help']);
    expect(help.stdout).toContain('Usage: coffer whatsapp chats DB -o DIR [--contacts WA_DB]');
  });
});
