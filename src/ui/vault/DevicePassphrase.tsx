/**
 * The device passphrase that protects a remembered recovery key. It is asked once per visit and
 * never stored; what it does and does not protect against is said next to the field.
 */
import { useId } from 'preact/hooks';
import type { Strength } from '../shared/strength.ts';

interface Props {
  /** Set for a remembered key, unlock one, or seal and open the places' passwords. */
  mode: 'set' | 'unlock' | 'places';
  value: string;
  onInput: (value: string) => void;
  /** The measured strength of a passphrase being set (shown under the field). */
  strength?: Strength;
}

const PURPOSE = {
  set: 'The remembered key is stored encrypted with this passphrase, which is never stored. ',
  unlock: 'Type the device passphrase that protects the remembered key (asked once per visit). ',
  places:
    "The places' passwords are stored encrypted with the device passphrase, which is never stored (asked once per visit; if you have none yet, this one becomes it). ",
};

export function DevicePassphrase({ mode, value, onInput, strength }: Props) {
  const whyId = useId();

  return (
    <div class="fields">
      <label>
        Device passphrase
        <input
          type="password"
          // Never offered to the browser's password manager: it would store this passphrase in the
          // very profile whose copy it exists to protect against.
          autocomplete="off"
          aria-describedby={whyId}
          value={value}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      </label>
      {strength && (
        <p class={`strength strength-${strength.score}`} aria-live="polite">
          <meter min={0} max={4} value={strength.score} aria-label="Device passphrase strength" />
          {strength.acceptable ? 'Strong enough' : 'Too weak'} — an attacker with fast hardware would need about{' '}
          {strength.crackTime} to guess it.
        </p>
      )}
      <p class="hint" id={whyId}>
        {PURPOSE[mode]}
        This protects against someone copying your browser profile; not against malware running as you, nor against
        someone using this browser while this tab is open. Do not let the browser save it: a saved copy sits in that
        same profile.
      </p>
    </div>
  );
}
