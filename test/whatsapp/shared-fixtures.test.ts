/**
 * The real crypt15, crypt14 and crypt12 files from ../shared/fixtures/whatsapp (made by
 * wa-crypt-tools' own encryptor), read in place. Skipped, visibly, where that folder is absent.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CofferError } from '../../src/core/errors.ts';
import { bytesSource } from '../../src/core/source.ts';
import {
  parseWhatsAppKey,
  parseWhatsAppKeyFile,
  readWhatsAppHeader,
  WhatsAppDecryption,
  type WhatsAppKey,
} from '../../src/whatsapp/core/index.ts';
import { SqliteTableCounter } from '../../src/whatsapp/core/sqlite.ts';
import { HAVE_SHARED, SHARED, SHARED_ROOT_KEY, SHARED_SHA256 } from './fixtures.ts';

const read = (name: string) => new Uint8Array(readFileSync(join(SHARED, name)));

async function open(name: string, key: WhatsAppKey, chunkSize?: number) {
  const file = read(name);
  const source = bytesSource(file);
  const header = await readWhatsAppHeader(source, name);
  const decryption = new WhatsAppDecryption(source, header, key, { chunkSize });
  const sha = createHash('sha256');
  for await (const piece of decryption) sha.update(piece);
  return { header, summary: decryption.summary, sha256: sha.digest('hex') };
}

async function failure(name: string, key: WhatsAppKey, bytes?: Uint8Array): Promise<CofferError> {
  const source = bytesSource(bytes ?? read(name));
  try {
    const header = await readWhatsAppHeader(source, name);
    for await (const _ of new WhatsAppDecryption(source, header, key));
  } catch (error) {
    if (error instanceof CofferError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const title = HAVE_SHARED
  ? 'real WhatsApp fixtures from ../shared/fixtures/whatsapp'
  : 'real WhatsApp fixtures: SKIPPED, ../shared/fixtures/whatsapp is absent';

describe.skipIf(!HAVE_SHARED)(title, () => {
  const legacy = () => parseWhatsAppKeyFile(read('key'));

  it('the expected plaintext is what the README says, and has 144 tables', () => {
    const db = read('msgstore.db');
    expect(createHash('sha256').update(db).digest('hex')).toBe(SHARED_SHA256);
    const counter = new SqliteTableCounter();
    counter.push(db);
    // sqlite3: SELECT count(*) FROM sqlite_master WHERE type = 'table' -> 144
    expect(counter.result()).toBe(144);
  });

  it('crypt15 opens with the typed 64-digit key and with encrypted_backup.key', async () => {
    for (const key of [parseWhatsAppKey(SHARED_ROOT_KEY), parseWhatsAppKeyFile(read('encrypted_backup.key'))]) {
      for (const chunkSize of [4096, 1 << 20]) {
        const { header, summary, sha256 } = await open('msgstore.db.crypt15', key, chunkSize);
        expect(sha256).toBe(SHARED_SHA256);
        expect(header.format).toBe('crypt15');
        expect(summary).toEqual({
          format: 'crypt15',
          multiFile: false,
          content: 'sqlite',
          inflated: true,
          size: 1273856,
          tables: 144,
          appVersion: '2.22.5.13',
          phoneSuffix: '67',
        });
      }
    }
  });

  for (const name of ['msgstore.db.crypt14', 'msgstore-noexpiry.db.crypt14', 'msgstore.db.crypt12']) {
    it(`${name} opens with the 158-byte key file`, async () => {
      const { header, summary, sha256 } = await open(name, legacy());
      expect(sha256).toBe(SHARED_SHA256);
      expect(header.format).toBe(name.endsWith('12') ? 'crypt12' : 'crypt14');
      expect(summary).toMatchObject({ content: 'sqlite', tables: 144, phoneSuffix: '67', multiFile: false });
    });
  }

  it('a wrong key is "wrong key"; a changed byte is "damaged"; a key of the other kind is refused', async () => {
    const wrong = parseWhatsAppKey(`${SHARED_ROOT_KEY.slice(0, 63)}0`);
    expect((await failure('msgstore.db.crypt15', wrong)).code).toBe('wrong_key');
    const damaged = read('msgstore.db.crypt15');
    damaged[100_000] ^= 1;
    expect((await failure('msgstore.db.crypt15', parseWhatsAppKey(SHARED_ROOT_KEY), damaged)).code).toBe(
      'payload_damaged',
    );
    expect((await failure('msgstore.db.crypt15', legacy())).code).toBe('key_mismatch');
    expect((await failure('msgstore.db.crypt14', parseWhatsAppKey(SHARED_ROOT_KEY))).code).toBe('key_mismatch');
    expect((await failure('msgstore.db.crypt12', parseWhatsAppKeyFile(read('encrypted_backup.key')))).code).toBe(
      'key_mismatch',
    );
    const wrongLegacy = legacy();
    if (wrongLegacy.kind === 'legacy') wrongLegacy.aesKey[0] ^= 1;
    expect((await failure('msgstore.db.crypt14', wrongLegacy)).code).toBe('wrong_key');
    expect((await failure('msgstore.db.crypt12', wrongLegacy)).code).toBe('wrong_key');
  });

  it('test9.zip is recognised as not a backup', async () => {
    expect((await failure('test9.zip', parseWhatsAppKey(SHARED_ROOT_KEY))).code).toBe('not_whatsapp');
  });
});
