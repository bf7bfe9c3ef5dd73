/**
 * "Stop reading" ends the chat reader's worker whatever SQLite is doing (issue 28, item 3): a
 * database whose chat list takes long to count is stopped at once, nothing is left busy, and the
 * next database opens in a fresh worker.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { databaseOf } from '../test/whatsapp/chat-fixtures.ts';
import { expect, tempDir, test } from './helpers.ts';

/** A minimal database in the modern layout: `chats` chats and `messages` messages, no index. */
async function modernDatabase(chats: number, messages: number): Promise<Uint8Array> {
  return databaseOf([
    `CREATE TABLE jid (_id INTEGER PRIMARY KEY, user TEXT, server TEXT);
      CREATE TABLE chat (_id INTEGER PRIMARY KEY, jid_row_id INTEGER, subject TEXT);
      CREATE TABLE message (_id INTEGER PRIMARY KEY, chat_row_id INTEGER, from_me INTEGER, timestamp INTEGER,
        message_type INTEGER, text_data TEXT, sender_jid_row_id INTEGER);
      WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r LIMIT ${chats})
        INSERT INTO jid SELECT n, '4477009' || n, 's.whatsapp.net' FROM r;
      INSERT INTO chat SELECT _id, _id, NULL FROM jid;
      WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r LIMIT ${messages})
        INSERT INTO message SELECT n, 1 + n % ${chats}, n % 2, 1709283600000 + n * 1000, 0, 'message ' || n, 0 FROM r;`,
  ]);
}

test('Stop reading ends a slow database at once; the next one opens in a fresh reader', async ({ page }) => {
  const work = tempDir('chat-stop');
  // Counting each of 3,000 chats over 300,000 unindexed messages takes far longer than the test.
  writeFileSync(join(work, 'slow.db'), await modernDatabase(3_000, 300_000));
  writeFileSync(join(work, 'small.db'), await modernDatabase(1, 3));
  await page.goto('./');
  await page.getByRole('button', { name: 'WhatsApp', exact: true }).click();
  await page.getByLabel('Open msgstore.db').setInputFiles(join(work, 'slow.db'));
  await expect(page.getByText('Opening slow.db…')).toBeVisible();
  await page.waitForTimeout(1_000); // SQLite is now deep in the count.
  const stopped = Date.now();
  await page.getByRole('button', { name: 'Stop reading' }).click();
  await expect(page.getByText('Reading was stopped.')).toBeVisible();
  expect(Date.now() - stopped).toBeLessThan(5_000);
  await expect(page.getByText('Opening slow.db…')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Stop reading' })).toHaveCount(0);

  await page.getByLabel('Open msgstore.db').setInputFiles(join(work, 'small.db'));
  const chats = page.getByRole('region', { name: 'Chats', exact: true });
  await expect(chats.getByRole('button', { name: /\+44770091/ })).toBeVisible();
  await expect(page.getByText('Reading was stopped.')).toHaveCount(0);
});
