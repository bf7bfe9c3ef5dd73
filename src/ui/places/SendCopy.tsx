/**
 * "Send a copy" of a backup kept on this device, to a saved place chosen in "Place". The names are
 * a contract (tests outside this code drive them).
 */
import { useId, useState } from 'preact/hooks';
import { formatBytes } from '../shared/format.ts';
import { DevicePassphrase } from '../vault/DevicePassphrase.tsx';
import type { StoredBackup, StoredPlace } from '../vault/db.ts';
import { PlaceFailureNotice } from './PlaceFailureNotice.tsx';
import { type PlacesSteps, type SendState, sendCopy } from './places-flow.ts';

interface Props {
  backup: StoredBackup;
  places: StoredPlace[];
  steps: PlacesSteps;
  onSent: () => void;
}

export function SendCopy({ backup, places, steps, onSent }: Props) {
  const [placeId, setPlaceId] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [sending, setSending] = useState<SendState>({ step: 'idle' });
  const selectId = useId();
  if (places.length === 0) return null;
  const place = places.find((candidate) => candidate.id === placeId) ?? places[0];
  const busy = sending.step === 'sending';

  const send = async () => {
    await sendCopy(steps, backup, place, passphrase, (next) => {
      setSending(next);
      if (next.step === 'sent') onSent();
    });
    setPassphrase('');
  };

  return (
    <div class="send-copy">
      <div class="row">
        <label for={selectId}>Place</label>
        <select id={selectId} value={place.id} disabled={busy} onChange={(e) => setPlaceId(e.currentTarget.value)}>
          {places.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {candidate.settings.location}
            </option>
          ))}
        </select>
        <button type="button" class="secondary" disabled={busy} onClick={() => void send()}>
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
          <button type="button" class="secondary" onClick={() => void send()}>
            Retry
          </button>
        </>
      )}
    </div>
  );
}
