/**
 * The places the person saved, as the origins the places worker's Content-Security-Policy admits
 * in connect-src. They are read from the catalogue (IndexedDB `coffer`, store `places`, written by
 * src/ui/vault/db.ts) each time that worker's script is served, so a place saved or forgotten
 * counts from the next worker started. Only origins are read: a place's credentials are sealed
 * and this worker could not open them.
 */
const DB_NAME = 'coffer';
const STORE = 'places';

/** What the policy needs of a stored place (the rest of the record is the page's). */
export interface AdmittedPlace {
  origin: string;
  /** Saved places have sealed credentials. */
  credentials?: unknown;
  /** A place being tested before it is saved: admitted until this time (ms since the epoch). */
  trialUntil?: number;
}

// An origin, nothing else: it goes into a header, where a ";" or a space would add directives.
const ORIGIN = /^https?:\/\/(\[[0-9a-f:.]+\]|[a-z0-9-]+(\.[a-z0-9-]+)*)(:\d{1,5})?$/i;

export function isPlainOrigin(text: string): boolean {
  return ORIGIN.test(text);
}

/** The origins to admit: saved places, and places under test until their time runs out. */
export function originsToAdmit(places: AdmittedPlace[], now: number): string[] {
  const admitted = places.filter(
    (place) => place.credentials !== undefined || (place.trialUntil !== undefined && place.trialUntil > now),
  );
  return [...new Set(admitted.map((place) => place.origin).filter(isPlainOrigin))];
}

/** The app's policy with `origins` added to connect-src. */
export function policyAdmitting(policy: string, origins: string[]): string {
  if (origins.length === 0) return policy;
  return policy.replace(/(^|;\s*)connect-src([^;]*)/, (_all, before, sources) => {
    return `${before}connect-src${sources} ${origins.join(' ')}`;
  });
}

/** The stored places, or none: never creates the catalogue (the page owns its schema). */
export function readStoredPlaces(): Promise<AdmittedPlace[]> {
  return new Promise((resolve) => {
    const request = indexedDB.open(DB_NAME);
    // No catalogue yet: opening would create an empty one the page could not upgrade.
    request.onupgradeneeded = () => request.transaction?.abort();
    request.onerror = () => resolve([]);
    request.onblocked = () => resolve([]);
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => db.close();
      if (!db.objectStoreNames.contains(STORE)) {
        db.close();
        return resolve([]);
      }
      const all = db.transaction(STORE, 'readonly').objectStore(STORE).getAll();
      all.onsuccess = () => {
        db.close();
        resolve(all.result as AdmittedPlace[]);
      };
      all.onerror = () => {
        db.close();
        resolve([]);
      };
    };
  });
}
