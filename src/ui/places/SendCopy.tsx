/**
 * "Send a copy" of a backup (kept on this device, or just made) to a saved place chosen in
 * "Place", and where its copies are. The names are a contract (tests outside this code drive them).
 */
import { useId, useState } from 'preact/hooks';
import { formatBytes, formatDate } from '../shared/format.ts';
import { DevicePassphrase } from '../vault/DevicePassphrase.tsx';
import type { PlaceCopy, StoredPlace } from '../vault/db.ts';
import { PlaceFailureNotice } from './PlaceFailureNotice.tsx';
import { type CopySource, type PlacesSteps, type SendState, sendCopy } from './places-flow.ts';

interface Props {
  source: CopySource;
  places: StoredPlace[];
  steps: PlacesSteps;
  onSent: () => void;
}

/**
 * The copies recorded for a kept backup: where, when, and the ones that failed, with Retry while
 * their place is still saved (a forgotten one cannot be sent to).
 */
function Copies({
  copies,
  places,
  onRetry,
}: {
  copies: PlaceCopy[];
  places: StoredPlace[];
  onRetry: (placeId: string) => void;
}) {
  if (copies.length === 0) return null;
  return (
    <ul class="copies" aria-label="Copies">
      {copies.map((copy) =>
        copy.failed ? (
          <li key={`${copy.placeId}-failed`} class="copy-failed">
            Not sent to {copy.location} ({formatDate(copy.sentAt)}): {copy.failed}{' '}
            {places.some((place) => place.id === copy.placeId) && (
              <button type="button" class="link" onClick={() => onRetry(copy.placeId)}>
                Retry
              </button>
            )}
          </li>
        ) : (
          <li key={`${copy.placeId}-${copy.sentAt}`}>
            Also at {copy.location} (sent {formatDate(copy.sentAt)})
          </li>
        ),
      )}
    </ul>
  );
}

export function SendCopy({ source, places, steps, onSent }: Props) {
  const [placeId, setPlaceId] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [sending, setSending] = useState<SendState>({ step: 'idle' });
  const selectId = useId();
  const copies = source.stored?.copies ?? [];
  if (places.length === 0)
    return copies.length > 0 ? <Copies copies={copies} places={places} onRetry={() => {}} /> : null;
  const place = places.find((candidate) => candidate.id === placeId) ?? places[0];
  const busy = sending.step === 'sending';

  const send = async (target: StoredPlace) => {
    await sendCopy(steps, source, target, passphrase, (next) => {
      setSending(next);
      if (next.step === 'sent' || next.step === 'failed') onSent();
    });
    setPassphrase('');
  };
  const retry = (id: string) => {
    const target = places.find((candidate) => candidate.id === id);
    if (!target || busy) return;
    setPlaceId(id);
    void send(target);
  };

  return (
    <div class="send-copy">
      <Copies copies={copies} places={places} onRetry={retry} />
      <div class="row">
        <label for={selectId}>Place</label>
        <select id={selectId} value={place.id} disabled={busy} onChange={(e) => setPlaceId(e.currentTarget.value)}>
          {places.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {candidate.settings.location}
            </option>
          ))}
        </select>
        <button type="button" class="secondary" disabled={busy} onClick={() => void send(place)}>
          Send a copy
        </button>
      </div>
      {sending.step === 'passphrase' && (
        <>
          {sending.failure && <PlaceFailureNotice failure={sending.failure} />}
          <DevicePassphrase mode="places" value={passphrase} onInput={setPassphrase} />
        </>
      )}
      {sending.step === 'sending' && (
        <p role="status" aria-live="polite">
          {sending.retry ?? `Sending: ${formatBytes(sending.sent)} of ${formatBytes(sending.total)}`}
          <progress max={sending.total || 1} value={sending.sent} aria-label="Sending" />
        </p>
      )}
      {sending.step === 'sent' && (
        <p class="notice success" role="status">
          Sent a copy to {sending.location}; its size and header were read back and match.
        </p>
      )}
      {sending.step === 'failed' && (
        <>
          <PlaceFailureNotice failure={sending.failure} />
          <button type="button" class="secondary" onClick={() => void send(place)}>
            Retry
          </button>
        </>
      )}
    </div>
  );
}
