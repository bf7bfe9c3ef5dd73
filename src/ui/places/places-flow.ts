/**
 * What the Places section's buttons do, apart from the view: test a place before saving it, save
 * it (its credentials sealed), forget it, and send a stored backup's copy to one. Storage and the
 * places worker come in as `PlacesSteps`, so the unit tests run each step against fakes.
 */
import type { PlaceEntry } from '../../remote/listing.ts';
import type { PlaceCredentials, PlaceSettings } from '../../remote/place.ts';
import type { PlaceCommand, PlaceFailure } from '../../worker/places-protocol.ts';
import type { RemoteBackup } from '../shared/backup-file.ts';
import type { Report } from '../shared/merged-state.ts';
import type { StoredBackup, StoredPlace } from '../vault/db.ts';
import { DevicePassphraseNeeded, WrongDevicePassphrase } from '../vault/refusals.ts';

export interface PlaceForm extends PlaceSettings, PlaceCredentials {
  devicePassphrase: string;
}

export const EMPTY_FORM: PlaceForm = {
  location: '',
  endpoint: '',
  region: '',
  user: '',
  secret: '',
  devicePassphrase: '',
};

export interface PlacesState {
  places: StoredPlace[];
  /** The Add a place form is open. */
  adding: boolean;
  busy: '' | 'testing' | 'saving';
  /** What just worked (green). */
  message: string;
  failure?: PlaceFailure;
  /** The device passphrase is needed to seal or open credentials, and was not entered yet. */
  askPassphrase: boolean;
  /** The place whose backups are listed (Open from a place), and what is there. */
  browsing?: { placeId: string; entries?: PlaceEntry[]; askPassphrase?: boolean; failure?: PlaceFailure };
}

export const INITIAL_PLACES: PlacesState = { places: [], adding: false, busy: '', message: '', askPassphrase: false };

export interface RunEvents {
  onProgress?(sent: number, total: number): void;
  onRetry?(attempt: number, of: number): void;
}

export interface PlacesSteps {
  listPlaces(): Promise<StoredPlace[]>;
  beginTrial(settings: PlaceSettings): Promise<string>;
  endTrial(id: string): Promise<void>;
  run(command: PlaceCommand, events?: RunEvents): Promise<void>;
  savePlace(settings: PlaceSettings, credentials: PlaceCredentials, devicePassphrase?: string): Promise<StoredPlace>;
  forgetPlace(id: string): Promise<void>;
  placeCredentials(place: StoredPlace, devicePassphrase?: string): Promise<PlaceCredentials>;
  list(place: PlaceSettings, credentials: PlaceCredentials): Promise<PlaceEntry[]>;
  /** Opens the backup `name` at the place for reading through the places worker. */
  openReader(place: PlaceSettings, credentials: PlaceCredentials, name: string): Promise<PlaceReader>;
  recordCopy(backup: StoredBackup, target: { id: string; location: string }, failed?: string): Promise<void>;
  confirm(question: string): boolean;
}

/** Any failure as the notice shows it: a place's own, or a plain sentence. */
export function asFailure(error: unknown): PlaceFailure {
  const failure = (error as { failure?: PlaceFailure }).failure;
  if (failure) return failure;
  // A location that is not one (thrown before any request) is the person's to correct.
  if ((error as { kind?: string }).kind === 'usage') {
    return { kind: 'usage', message: (error as Error).message, hint: (error as { hint?: string }).hint };
  }
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error) };
}

function settingsOf(form: PlaceForm): PlaceSettings {
  return { location: form.location, endpoint: form.endpoint, region: form.region };
}

function credentialsOf(form: PlaceForm): PlaceCredentials {
  return { user: form.user, secret: form.secret };
}

export interface PlaceReader {
  size: number;
  connect(): MessagePort;
  close(): void;
}

/**
 * A saved place's user and secret, or why not: the device passphrase is to be asked (again, after
 * a wrong one, with that said), or another failure.
 */
async function openCredentials(
  steps: PlacesSteps,
  place: StoredPlace,
  passphrase: string | undefined,
): Promise<
  { credentials: PlaceCredentials } | { ask: true; failure?: PlaceFailure } | { ask: false; failure: PlaceFailure }
> {
  try {
    return { credentials: await steps.placeCredentials(place, passphrase || undefined) };
  } catch (error) {
    if (error instanceof DevicePassphraseNeeded) return { ask: true };
    if (error instanceof WrongDevicePassphrase) return { ask: true, failure: asFailure(error) };
    return { ask: false, failure: asFailure(error) };
  }
}

export function placesFlow(steps: PlacesSteps, report: Report<PlacesState>, onOpen: (backup: RemoteBackup) => void) {
  const refresh = async () => report({ places: await steps.listPlaces() });

  /** The place's credentials, or undefined after asking for the device passphrase (or saying why not). */
  async function credentialsFor(place: StoredPlace, passphrase: string): Promise<PlaceCredentials | undefined> {
    const opened = await openCredentials(steps, place, passphrase);
    if ('credentials' in opened) return opened.credentials;
    report({ browsing: { placeId: place.id, askPassphrase: opened.ask, failure: opened.failure } });
    return undefined;
  }

  return {
    refresh,

    open: () => report({ adding: true, message: '', failure: undefined }),
    close: () => report({ adding: false, failure: undefined, askPassphrase: false }),

    /** A small write, read back and delete, from a worker admitted to this one place for now. */
    async test(form: PlaceForm) {
      report({ busy: 'testing', message: '', failure: undefined });
      let trial: string | undefined;
      try {
        trial = await steps.beginTrial(settingsOf(form));
        await steps.run({ type: 'test', place: settingsOf(form), credentials: credentialsOf(form) });
        report({ message: 'The place works: a test file was written, read back and deleted.' });
      } catch (error) {
        report({ failure: asFailure(error) });
      } finally {
        if (trial) await steps.endTrial(trial);
        report({ busy: '' });
      }
    },

    /** Saves the place; returns whether it was saved (the form then closes). */
    async save(form: PlaceForm): Promise<boolean> {
      report({ busy: 'saving', message: '', failure: undefined });
      try {
        const place = await steps.savePlace(settingsOf(form), credentialsOf(form), form.devicePassphrase || undefined);
        report({
          adding: false,
          askPassphrase: false,
          message: `Saved ${place.settings.location}. Its password is stored encrypted with your device passphrase.`,
        });
        await refresh();
        return true;
      } catch (error) {
        if (error instanceof DevicePassphraseNeeded) report({ askPassphrase: true });
        report({ failure: asFailure(error) });
        return false;
      } finally {
        report({ busy: '' });
      }
    },

    /** Open from a place: the backups in its folder, each to be opened from there. */
    async browse(place: StoredPlace, passphrase = '') {
      report({ browsing: { placeId: place.id }, message: '', failure: undefined });
      const credentials = await credentialsFor(place, passphrase);
      if (!credentials) return;
      try {
        report({ browsing: { placeId: place.id, entries: await steps.list(place.settings, credentials) } });
      } catch (error) {
        report({ browsing: { placeId: place.id, failure: asFailure(error) } });
      }
    },

    /** Opens one listed backup in the Restore tab, read from the place as it is needed. */
    async openAt(place: StoredPlace, entry: PlaceEntry) {
      const credentials = await credentialsFor(place, '');
      if (!credentials) return;
      try {
        const reader = await steps.openReader(place.settings, credentials, entry.name);
        const location = place.settings.location;
        onOpen({
          kind: 'remote',
          name: entry.name,
          location,
          size: reader.size,
          connect: reader.connect,
          close: reader.close,
        });
      } catch (error) {
        report({ failure: asFailure(error) });
      }
    },

    async forget(place: StoredPlace) {
      const question = `Forget ${place.settings.location}? Its password is removed from this device; the backups there stay.`;
      if (!steps.confirm(question)) return;
      await steps.forgetPlace(place.id);
      report({ message: `Forgot ${place.settings.location}. This app can no longer reach it.`, failure: undefined });
      await refresh();
    },
  };
}

export type PlacesFlow = ReturnType<typeof placesFlow>;

export type SendState =
  | { step: 'idle' }
  /** The device passphrase is needed (again, after a wrong one: `failure` says so). */
  | { step: 'passphrase'; failure?: PlaceFailure }
  | { step: 'sending'; sent: number; total: number; retry?: string }
  | { step: 'sent'; location: string }
  | { step: 'failed'; failure: PlaceFailure };

/** What Send a copy sends: a backup kept on this device, or one just made. */
export interface CopySource {
  name: string;
  size: number;
  blob(): Promise<Blob>;
  /** Kept on this device: where its copies are recorded. */
  stored?: StoredBackup;
}

/** Sends a backup to a saved place; the device passphrase is asked once per tab. */
export async function sendCopy(
  steps: PlacesSteps,
  backup: CopySource,
  place: StoredPlace,
  devicePassphrase: string | undefined,
  show: (state: SendState) => void,
): Promise<void> {
  const opened = await openCredentials(steps, place, devicePassphrase);
  if (!('credentials' in opened)) {
    if (opened.ask)
      return show(opened.failure ? { step: 'passphrase', failure: opened.failure } : { step: 'passphrase' });
    return show({ step: 'failed', failure: opened.failure });
  }
  const { credentials } = opened;
  const target = { id: place.id, location: place.settings.location };
  show({ step: 'sending', sent: 0, total: backup.size });
  try {
    const file = await backup.blob();
    await steps.run(
      { type: 'send', place: place.settings, credentials, file, name: backup.name },
      {
        onProgress: (sent, total) => show({ step: 'sending', sent, total }),
        onRetry: (attempt, of) =>
          show({
            step: 'sending',
            sent: 0,
            total: backup.size,
            retry: `The connection dropped: try ${attempt} of ${of}.`,
          }),
      },
    );
    if (backup.stored) await steps.recordCopy(backup.stored, target);
    show({ step: 'sent', location: place.settings.location });
  } catch (error) {
    const failure = asFailure(error);
    // Said where the backup is listed too, with a Retry, until a try succeeds. A name taken there
    // is no failed copy: most likely it is this backup, sent before.
    if (backup.stored && failure.kind !== 'exists')
      await steps.recordCopy(backup.stored, target, failure.message).catch(() => {});
    show({ step: 'failed', failure });
  }
}
