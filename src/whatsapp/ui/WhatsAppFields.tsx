/** The key fields and the optional "seal as a Coffer backup" fields of the WhatsApp tab. */
import { RecoveryKeyInput } from '../../ui/shared/RecoveryKeyInput.tsx';
import type { WhatsAppForm } from './useWhatsAppForm.ts';

export function WhatsAppKeyFields({ form, busy }: { form: WhatsAppForm; busy: boolean }) {
  const format = form.inspected?.format;
  return (
    <fieldset disabled={busy}>
      <legend>Your WhatsApp key</legend>
      {format !== 'crypt14' && format !== 'crypt12' && (
        <label>
          WhatsApp key
          <input
            autocomplete="off"
            spellcheck={false}
            aria-invalid={form.typedProblem !== undefined}
            placeholder="64 digits (0–9 and a–f)"
            value={form.hex}
            onInput={(e) => form.setHex(e.currentTarget.value)}
          />
        </label>
      )}
      {form.typedProblem && !form.keyFile && (
        <p class="field-error" role="status">
          {form.typedProblem}
        </p>
      )}
      <div class="row">
        <label class="button secondary">
          <input
            type="file"
            aria-label="Open key file"
            onChange={(event) => {
              const input = event.currentTarget;
              const chosen = input.files?.[0];
              input.value = '';
              if (chosen) void form.chooseKeyFile(chosen);
            }}
          />
          Open key file
        </label>
        {form.keyFile && (
          <button type="button" class="link" onClick={form.forgetKeyFile}>
            Forget key file
          </button>
        )}
      </div>
      {form.keyFileNote && <p class="hint">{form.keyFileNote}</p>}
    </fieldset>
  );
}

export function SealFields({ form, busy }: { form: WhatsAppForm; busy: boolean }) {
  const { strength } = form;
  return (
    <fieldset disabled={busy}>
      <legend>Seal it as a Coffer backup (optional)</legend>
      <p class="hint">
        Turns the decrypted content straight into a Coffer backup locked with your passphrase or recovery key; the
        decrypted data is never written to disk.
      </p>
      <div class="fields">
        <label>
          Passphrase
          <input
            type="password"
            autocomplete="new-password"
            value={form.passphrase}
            onInput={(e) => form.setPassphrase(e.currentTarget.value)}
          />
        </label>
        {strength && (
          <p class={`strength strength-${strength.score}`} aria-live="polite">
            <meter min={0} max={4} value={strength.score} aria-label="Passphrase strength" />
            {strength.acceptable ? 'Strong enough' : 'Too weak'} — about {strength.crackTime} to guess.
          </p>
        )}
        <label>
          Confirm passphrase
          <input
            type="password"
            autocomplete="new-password"
            value={form.confirmation}
            onInput={(e) => form.setConfirmation(e.currentTarget.value)}
          />
        </label>
        <RecoveryKeyInput value={form.recoveryKey} onInput={form.setRecoveryKey} />
      </div>
    </fieldset>
  );
}
