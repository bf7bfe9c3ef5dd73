/**
 * Places: storage the person owns (a WebDAV folder, an S3 bucket) where copies of backups go.
 * Listed with Forget; "Add a place" opens the form. Only ciphertext is ever sent to them.
 */
import { formatDate } from '../shared/format.ts';
import { PlaceFailureNotice } from './PlaceFailureNotice.tsx';
import { PlaceFormView } from './PlaceFormView.tsx';
import type { PlacesFlow, PlacesState } from './places-flow.ts';
import { usePlaceForm } from './usePlacesFlow.ts';

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
                <button type="button" class="secondary" onClick={() => void flow.forget(place)}>
                  Forget
                </button>
              </div>
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
