/**
 * A hostile msgstore.db (issue 28, item 3): a view that never ends is not read at all, any query
 * that runs past its time budget is stopped with a plain message, and an impossible timestamp is
 * shown as an unknown time instead of failing the whole export.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CofferError } from '../../src/core/errors.ts';
import { loadSqlite } from '../../src/whatsapp/cli/sqlite-node.ts';
import { openReadOnly } from '../../src/whatsapp/core/chats/index.ts';
import { coffer, removeDir, tempDir } from '../cli/helpers.ts';
import { databaseOf, generateModern, HAVE_SCHEMA, KNOWN } from './chat-fixtures.ts';

const ENDLESS = 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r)';

/** The legacy layout's two names, `messages` an endless recursive view (about 12 KB on disk). */
const RECURSIVE_VIEW = [
  'CREATE TABLE chat_list (_id INTEGER PRIMARY KEY, key_remote_jid TEXT, subject TEXT)',
  "INSERT INTO chat_list VALUES (1, '447700900001@s.whatsapp.net', NULL)",
  `CREATE VIEW messages AS ${ENDLESS} SELECT n AS _id, '447700900001@s.whatsapp.net' AS key_remote_jid,
     0 AS key_from_me, 'x' AS data, n AS timestamp, 0 AS media_wa_type, NULL AS remote_resource, 0 AS status FROM r`,
];

let work: string;
beforeAll(async () => {
  work = await tempDir('coffer-hostile-db-');
});
afterAll(async () => {
  await removeDir(work);
});

describe('a hostile msgstore.db', () => {
  it('a recursive view standing in for a table is not read: the CLI answers at once, plainly', async () => {
    const file = join(work, 'recursive.db');
    await writeFile(file, await databaseOf(RECURSIVE_VIEW));
    const started = Date.now();
    const result = await coffer(['whatsapp', 'chats', file, '-o', join(work, 'never')]);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('This database is not a WhatsApp message store Coffer can read');
    expect(result.stderr).toContain('needs table "messages"');
  });

  it('a query past its time budget is stopped with a plain message (limit_exceeded)', async () => {
    const sqlite3 = await loadSqlite();
    const bytes = await databaseOf(['CREATE TABLE t (x)']);
    const db = openReadOnly(
      sqlite3,
      { size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) },
      { queryBudgetMs: 300 },
    );
    try {
      const started = Date.now();
      let failure: unknown;
      try {
        db.all(`${ENDLESS} SELECT count(*) AS n FROM r`);
      } catch (error) {
        failure = error;
      }
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(failure).toBeInstanceOf(CofferError);
      expect((failure as CofferError).code).toBe('limit_exceeded');
      expect((failure as Error).message).toMatch(/did not answer within 300 ms, so reading it was stopped/);
      // The budget is per query: the next one runs normally.
      expect(db.all('SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }]);
    } finally {
      db.close();
    }
  });

  it.skipIf(!HAVE_SCHEMA)('an impossible timestamp is an unknown time, and the export still completes', async () => {
    const file = join(work, 'odd-time.db');
    await writeFile(file, await generateModern({ bulk: 5, strangerTimestamp: '99999999999999999' }));
    const out = join(work, 'export');
    const result = await coffer(['whatsapp', 'chats', file, '-o', out]);
    expect(result.code, result.stderr).toBe(0);
    const html = await readFile(join(out, 'whatsapp-chats.html'), 'utf8');
    expect(html).toContain('Hello, is this the bike for sale?');
    expect(html).toContain('<time>unknown time</time>');
    expect(html).toContain(KNOWN.text);
  });
});
