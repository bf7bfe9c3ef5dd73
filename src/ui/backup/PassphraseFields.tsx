import type { Strength } from '../shared/strength.ts';
import type { PendingForm } from './pending.ts';

export interface PassphraseFieldsProps {
  form: PendingForm;
  update: (change: Partial<PendingForm>) => void;
  strength?: Strength;
  strong: boolean;
  onStrong: (strong: boolean) => void;
}

export function PassphraseFields({ form, update, strength, strong, onStrong }: PassphraseFieldsProps) {
  return (
    <div class="fields">
      <label>
        Passphrase
        <input
          type="password"
          autocomplete="new-password"
          value={form.passphrase}
          onInput={(e) => update({ passphrase: e.currentTarget.value })}
        />
      </label>
      {strength && (
        <p class={`strength strength-${strength.score}`} aria-live="polite">
          <meter min={0} max={4} value={strength.score} aria-label="Passphrase strength" />
          {strength.acceptable ? 'Strong enough' : 'Too weak'} — an attacker with fast hardware would need{' '}
          {strength.crackTime} to guess it.
          {strength.warning && ` ${strength.warning}.`}
        </p>
      )}
      <label>
        Confirm passphrase
        <input
          type="password"
          autocomplete="new-password"
          value={form.confirmation}
          onInput={(e) => update({ confirmation: e.currentTarget.value })}
        />
      </label>
      <label class="check">
        <input type="checkbox" checked={strong} onChange={(e) => onStrong(e.currentTarget.checked)} />
        Extra-strong key derivation (slower to unlock, harder to guess)
      </label>
    </div>
  );
}
