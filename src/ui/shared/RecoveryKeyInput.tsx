/**
 * The field where a person types a 64-digit recovery key: the phone's number pad, and neither
 * autofill nor the spell checker, which would offer or underline the digits.
 */
export function RecoveryKeyInput({
  label = 'Recovery key',
  value,
  onInput,
  invalid,
}: {
  label?: string;
  value: string;
  onInput: (value: string) => void;
  invalid?: boolean;
}) {
  return (
    <label>
      {label}
      <input
        inputMode="numeric"
        autocomplete="off"
        spellcheck={false}
        aria-invalid={invalid}
        value={value}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
    </label>
  );
}
