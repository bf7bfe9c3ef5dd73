/**
 * Places: storage the person owns (a WebDAV folder, an S3 bucket) where copies of backups go.
 * Listed with Forget; "Add a place" opens the form. Only ciphertext is ever sent to them.
 */
import { useState } from 'preact/hooks';
import { formatBytes, formatDate } from '../shared/format.ts';
import { DevicePassphrase } from '../vault/DevicePassphrase.tsx';
import type { StoredPlace } from '../vault/db.ts';
import { PlaceFailureNotice } from './PlaceFailureNotice.tsx';
import { PlaceFormView } from './PlaceFormView.tsx';
import type { PlacesFlow, PlacesState } from './places-flow.ts';
import { SyncedFolderSetting } from './SyncedFolder.tsx';
import { usePlaceForm } from './usePlacesFlow.ts';

/** Open from a place: what is in its folder, each backup with Open. */
function PlaceBackups({ place, state, flow }: { place: StoredPlace; state: PlacesState; flow: PlacesFlow }) {
  const [passphrase, setPassphrase] = useState('');
  const browsing = state.browsing;
  if (!browsing) return null;
  return (
    <div class="place-backups">
      {browsing.failure && <PlaceFailureNotice failure={browsing.failure} />}
      {browsing.askPassphrase && (
        <>
          <DevicePassphrase mode="places" value={passphrase} onInput={setPassphrase} />
          <button type="button" onClick={() => void flow.browse(place, passphrase).then(() => setPassphrase(''))}>
            Unlock and list
          </button>
        </>
      )}
      {browsing.entries && browsing.entries.length === 0 && <p>No backups there yet.</p>}
      {browsing.entries && browsing.entries.length > 0 && (
        <ul class="stored" aria-label={`Backups at ${place.settings.location}`}>
          {browsing.entries.map((entry) => (
            <li key={entry.name} aria-label={entry.name}>
              <div class="stored-facts">
                <strong>{entry.name}</strong>
                <span>
                  {formatBytes(entry.size)}
                  {entry.modified !== undefined && ` · ${formatDate(entry.modified)}`}
                </span>
              </div>
              <div class="row">
                <button type="button" class="secondary" onClick={() => void flow.openAt(place, entry)}>
                  Open
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function PlacesSection({ state, flow }: { state: PlacesState; flow: PlacesFlow }) {
  const { form, update, reset } = usePlaceForm();
  return (
    <section class="places" aria-labelledby="places-heading">
      <h3 id="places-heading">Places</h3>
      <p class="hint">
        A copy of a backup on storage you own (a WebDAV folder, an S3 bucket) survives this device. Only the encrypted
        backup is sent; this app talks to no server you have not added here.
      </p>
      {state.places.length > 0 && (
        <ul class="stored" aria-label="Places">
          {state.places.map((place) => (
            <li key={place.id} aria-label={place.settings.location}>
              <div class="stored-facts">
                <strong>{place.settings.location}</strong>
                <span>
                  {place.settings.endpoint ? `${place.settings.endpoint} · ` : ''}added {formatDate(place.addedAt)}
                </span>
              </div>
              <div class="row">
                <button type="button" class="secondary" onClick={() => void flow.browse(place)}>
                  Open from a place
                </button>
                <button type="button" class="secondary" onClick={() => void flow.forget(place)}>
                  Forget
                </button>
              </div>
              {state.browsing?.placeId === place.id && <PlaceBackups place={place} state={state} flow={flow} />}
            </li>
          ))}
        </ul>
      )}
      {state.message && (
        <p class="notice success" role="status">
          {state.message}
        </p>
      )}
      {state.failure && <PlaceFailureNotice failure={state.failure} />}
      <SyncedFolderSetting />
      {state.adding ? (
        <PlaceFormView form={form} update={update} state={state} flow={flow} onSaved={reset} />
      ) : (
        <button type="button" class="secondary" onClick={flow.open}>
          Add a place
        </button>
      )}
    </section>
  );
}
