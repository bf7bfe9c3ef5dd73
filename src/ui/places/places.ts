/**
 * Places kept on this device (the catalogue's `places` store). A place's user and secret are
 * sealed with the device passphrase, as a remembered recovery key is, and opened only to hand
 * them to the places worker for one command. Its origin is stored in clear: the service worker
 * reads it to admit the place in that worker's policy, and it is no secret (it is the server's
 * address the person typed).
 */
import { type PlaceCredentials, type PlaceSettings, placeFolder, placeOrigin } from '../../remote/place.ts';
import { openCatalogue, type RememberedKey, type StoredBackup, type StoredPlace } from '../vault/db.ts';
import {
  type DeviceProtection,
  deriveDeviceKey,
  isDeviceUnlocked,
  type Sealed,
  seal,
  setDevicePassphrase,
  setUnlocked,
  unlockedFor,
  unseal,
} from '../vault/device-lock.ts';
import { DevicePassphraseNeeded, WrongDevicePassphrase } from '../vault/refusals.ts';
import { REMEMBERED_KEY_AAD, REMEMBERED_KEY_SLOT } from '../vault/remembered-key.ts';

/** Bound into every sealed record so it cannot be passed off as anything else. */
const AAD = new TextEncoder().encode('coffer place credentials v1');
/** How long a place under test is admitted by the policy: a test takes seconds. */
const TRIAL_MS = 2 * 60 * 1000;

function cleanSettings(settings: PlaceSettings): PlaceSettings {
  return {
    location: placeFolder(settings.location),
    endpoint: settings.endpoint?.trim() || undefined,
    region: settings.region?.trim() || undefined,
  };
}

/** Saved places, oldest first; places under test are not listed. */
export async function listPlaces(): Promise<StoredPlace[]> {
  const all = await (await openCatalogue()).getAll('places');
  return all.filter((place) => place.credentials !== undefined).sort((a, b) => a.addedAt - b.addedAt);
}

/**
 * Admits the place's origin for a short while, so a places worker started now can test it
 * before it is saved. Throws a usage RemoteError for a location that is not one.
 */
export async function beginTrial(settings: PlaceSettings): Promise<string> {
  const clean = cleanSettings(settings);
  const record: StoredPlace = {
    id: crypto.randomUUID(),
    settings: clean,
    origin: placeOrigin(clean),
    addedAt: Date.now(),
    trialUntil: Date.now() + TRIAL_MS,
  };
  await (await openCatalogue()).put('places', record);
  return record.id;
}

export async function endTrial(id: string): Promise<void> {
  const db = await openCatalogue();
  const record = await db.get('places', id);
  if (record && record.credentials === undefined) await db.delete('places', id);
}

/** Trials left by a tab closed mid-test. */
export async function removeStaleTrials(now = Date.now()): Promise<void> {
  const db = await openCatalogue();
  for (const place of await db.getAll('places')) {
    if (place.credentials === undefined && (place.trialUntil ?? 0) <= now) await db.delete('places', place.id);
  }
}

/** Every record sealed with a device passphrase: the remembered key's and the places'. */
async function deviceSealed(): Promise<(Sealed & { protection: DeviceProtection })[]> {
  const db = await openCatalogue();
  const records: Sealed[] = (await db.getAll('places')).flatMap((place) =>
    place.credentials ? [place.credentials] : [],
  );
  const remembered = (await db.get('keys', REMEMBERED_KEY_SLOT)) as RememberedKey | undefined;
  if (remembered?.protection) records.push(remembered);
  return records.filter((record): record is Sealed & { protection: DeviceProtection } => {
    return record.protection.method === 'device-passphrase';
  });
}

/**
 * Makes the device passphrase's key available: already entered in this tab, or `passphrase`,
 * checked against a record it sealed before, or set now when nothing was sealed with one yet.
 */
async function unlockDevice(passphrase: string | undefined): Promise<void> {
  if (isDeviceUnlocked()) return;
  if (!passphrase) throw new DevicePassphraseNeeded();
  const [existing] = await deviceSealed();
  if (!existing) return setDevicePassphrase(passphrase);
  const key = await deriveDeviceKey(passphrase, existing.protection);
  // The remembered key's record has its own AAD: any record opening proves the passphrase.
  const opened = (await unseal(existing, key, AAD)) ?? (await unseal(existing, key, REMEMBERED_KEY_AAD));
  if (!opened) throw new WrongDevicePassphrase('what it protects on this device');
  opened.fill(0);
  setUnlocked(key, existing.protection);
}

/** Saves a place with its credentials sealed; the device passphrase is asked if not entered yet. */
export async function savePlace(
  settings: PlaceSettings,
  credentials: PlaceCredentials,
  devicePassphrase?: string,
): Promise<StoredPlace> {
  const clean = cleanSettings(settings);
  const origin = placeOrigin(clean);
  await unlockDevice(devicePassphrase);
  const plaintext = new TextEncoder().encode(JSON.stringify(credentials));
  const record: StoredPlace = {
    id: crypto.randomUUID(),
    settings: clean,
    origin,
    addedAt: Date.now(),
    credentials: await seal(plaintext, AAD),
  };
  await (await openCatalogue()).put('places', record);
  return record;
}

/** A saved place's user and secret, opened with the device passphrase. */
export async function placeCredentials(place: StoredPlace, devicePassphrase?: string): Promise<PlaceCredentials> {
  const sealed = place.credentials;
  if (!sealed) throw new Error('This place was not saved.');
  let key = unlockedFor(sealed.protection);
  if (!key && sealed.protection.method === 'device-passphrase') {
    if (!devicePassphrase) throw new DevicePassphraseNeeded();
    key = await deriveDeviceKey(devicePassphrase, sealed.protection);
  }
  const plaintext = key ? await unseal(sealed, key, AAD) : undefined;
  if (!key || !plaintext) throw new WrongDevicePassphrase("this place's password");
  setUnlocked(key, sealed.protection);
  try {
    return JSON.parse(new TextDecoder().decode(plaintext)) as PlaceCredentials;
  } finally {
    plaintext.fill(0);
  }
}

export async function forgetPlace(id: string): Promise<void> {
  await (await openCatalogue()).delete('places', id);
}

/** Where a copy went: a place, or the synced folder. */
export interface CopyTarget {
  id: string;
  location: string;
}

/**
 * Notes in the backup's record a copy sent to `place`, or that sending it failed (`failed`, the
 * reason). A failure is replaced by the next try's outcome; a copy that is there stays listed.
 */
export async function recordCopy(backup: StoredBackup, place: CopyTarget, failed?: string): Promise<void> {
  const db = await openCatalogue();
  const current = await db.get('backups', backup.id);
  if (!current) return;
  const copy = { placeId: place.id, location: place.location, sentAt: Date.now(), failed };
  const kept = (current.copies ?? []).filter((old) => !(old.placeId === place.id && old.failed));
  await db.put('backups', { ...current, copies: [...kept, copy] });
}
