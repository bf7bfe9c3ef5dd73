/**
 * The on-device catalogue (IndexedDB via idb). It records what each stored backup is, never a
 * key or passphrase; the one exception is a remembered recovery key, stored only AES-GCM-encrypted
 * under a key derived (Argon2id) from a device passphrase that is never stored. (A non-extractable
 * CryptoKey would not do: browsers write its raw bytes into the profile's files.)
 */

import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { Argon2Params } from '../../core/kdf.ts';
import type { PlaceSettings } from '../../remote/place.ts';

export const DB_NAME = 'coffer';
export const DB_VERSION = 3;

export type UnlockMethod = 'passphrase' | 'recovery-key' | 'passkey';

export interface StoredBackup {
  id: string;
  /** The encrypted file's name in the origin's private file system. */
  fileName: string;
  name: string;
  createdAt: number;
  size: number;
  entryCount: number;
  /** Counted as the backup list counts them; absent in records from before they were kept. */
  files?: number;
  folders?: number;
  unlock: UnlockMethod[];
  sources: string[];
  /** 'writing' until the file is complete; reconcile removes abandoned ones. */
  state: 'writing' | 'complete';
  ownerTab: string;
  /** The copies sent to places, newest last. */
  copies?: PlaceCopy[];
}

export interface PlaceCopy {
  placeId: string;
  /** The place's folder as the person typed it, kept for when the place is forgotten. */
  location: string;
  /** When it was sent, or when sending it failed. */
  sentAt: number;
  /** Why the last try to send it failed; absent for a copy that is there. */
  failed?: string;
}

/**
 * A place: a WebDAV folder or S3 prefix the person owns. Its origin is read by the service worker
 * (src/sw/admitted-origins.ts) to admit it in the places worker's policy; its user and secret are
 * sealed with the device passphrase (device-lock.ts), never stored in clear.
 */
export interface StoredPlace {
  id: string;
  settings: PlaceSettings;
  origin: string;
  addedAt: number;
  /** The user (or access key ID) and secret, sealed. Absent while the place is only being tested. */
  credentials?: { protection: KeyProtection; iv: Uint8Array; ciphertext: ArrayBuffer };
  /** A place being tested before it is saved is admitted until this time. */
  trialUntil?: number;
}

/**
 * How the wrapping key is obtained: Argon2id of a device passphrase, or the PRF output of a
 * passkey (as a passkey slot wraps a file key, spec 3.4). Neither the passphrase nor the PRF
 * output is stored: the profile alone opens nothing.
 */
export type KeyProtection =
  | { method: 'device-passphrase'; salt: Uint8Array; params: Argon2Params }
  | { method: 'passkey'; credentialId: Uint8Array; prfSalt: Uint8Array };

export interface RememberedKey {
  /** Salt and Argon2id parameters of the device passphrase; the passphrase itself is never stored. */
  protection: KeyProtection;
  iv: Uint8Array;
  ciphertext: ArrayBuffer;
  savedAt: number;
}

export interface Settings {
  kdf: 'default' | 'strong';
  compress: boolean;
  verify: boolean;
  theme: 'system' | 'light' | 'dark';
}

export const DEFAULT_SETTINGS: Settings = { kdf: 'default', compress: true, verify: true, theme: 'system' };

/** A folder chosen with the File System Access API, kept so it can be backed up again. */
export interface RememberedFolder {
  name: string;
  handle: FileSystemDirectoryHandle;
  addedAt: number;
  lastBackedUp?: number;
}

interface CofferDB extends DBSchema {
  backups: { key: string; value: StoredBackup; indexes: { 'by-created': number } };
  settings: { key: string; value: unknown };
  keys: { key: string; value: RememberedKey };
  folders: { key: string; value: RememberedFolder };
  places: { key: string; value: StoredPlace };
}

export type Catalogue = IDBPDatabase<CofferDB>;

let opened: Promise<Catalogue> | undefined;

/**
 * Version 1 had only the `backups` store, without `state` or `ownerTab`. Version 2 adds the
 * date index, settings, remembered keys and remembered folders, and marks version 1's entries
 * complete. Version 3 adds places.
 */
export function openCatalogue(): Promise<Catalogue> {
  opened ??= openDB<CofferDB>(DB_NAME, DB_VERSION, {
    async upgrade(db, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) db.createObjectStore('backups', { keyPath: 'id' });
      if (oldVersion < 2) {
        const backups = transaction.objectStore('backups');
        backups.createIndex('by-created', 'createdAt');
        db.createObjectStore('settings');
        db.createObjectStore('keys');
        db.createObjectStore('folders', { keyPath: 'name' });
        for (let cursor = await backups.openCursor(); cursor; cursor = await cursor.continue()) {
          const old = cursor.value as Partial<StoredBackup> & { id: string };
          await cursor.update({ ...old, state: old.state ?? 'complete', ownerTab: old.ownerTab ?? '' } as StoredBackup);
        }
      }
      if (oldVersion < 3) db.createObjectStore('places', { keyPath: 'id' });
    },
    blocking() {
      // Another tab has a newer version of the app: let it upgrade.
      void opened?.then((db) => db.close());
      opened = undefined;
    },
  });
  return opened;
}

export async function loadSettings(): Promise<Settings> {
  const db = await openCatalogue();
  const stored = (await db.get('settings', 'settings')) as Partial<Settings> | undefined;
  return { ...DEFAULT_SETTINGS, ...stored };
}

export async function saveSettings(settings: Settings): Promise<void> {
  const db = await openCatalogue();
  await db.put('settings', settings, 'settings');
}
