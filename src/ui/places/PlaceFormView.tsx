/**
 * The Add a place form. Its labels are a contract (tests outside this code drive them):
 * Location, Endpoint, Region, User or access key ID, Password or secret access key, and the
 * buttons Test place and Save place.
 */
import { useId } from 'preact/hooks';
import { plainHttpWarning } from '../../remote/webdav.ts';
import { DevicePassphrase } from '../vault/DevicePassphrase.tsx';
import type { PlaceForm, PlacesFlow, PlacesState } from './places-flow.ts';

interface Props {
  form: PlaceForm;
  update: (field: keyof PlaceForm, value: string) => void;
  state: PlacesState;
  flow: PlacesFlow;
  onSaved: () => void;
}

function Field({
  label,
  hint,
  value,
  onInput,
  secret = false,
}: {
  label: string;
  hint?: string;
  value: string;
  onInput: (value: string) => void;
  secret?: boolean;
}) {
  const id = useId();
  const common = {
    value,
    spellcheck: false,
    autocapitalize: 'off',
    // A password manager would keep the secret in the profile, in clear to anyone who copies it.
    autocomplete: 'off',
    onInput: (e: Event) => onInput((e.currentTarget as HTMLInputElement).value),
    id,
  } as const;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint && <span class="hint"> {hint}</span>}
      {secret ? <input type="password" {...common} /> : <input type="text" {...common} />}
    </div>
  );
}

/** The password would cross the network readable by anyone on the way: said before it is sent. */
function plainHttpCaution(location: string, user: string): string | undefined {
  const match = /^webdav\+(http:\/\/.*)$/i.exec(location.trim());
  if (!match) return undefined;
  try {
    const warning = plainHttpWarning(new URL(match[1]), user !== '');
    return warning && `Careful: ${warning}`;
  } catch {
    return undefined;
  }
}

export function PlaceFormView({ form, update, state, flow, onSaved }: Props) {
  const busy = state.busy !== '';
  const caution = plainHttpCaution(form.location, form.user);
  return (
    <form
      class="place-form"
      aria-label="Add a place"
      onSubmit={(e) => {
        e.preventDefault();
      }}
    >
      <Field
        label="Location"
        hint="webdav+https://HOST/PATH/ or s3://BUCKET/PREFIX/"
        value={form.location}
        onInput={(value) => update('location', value)}
      />
      {caution && (
        <p class="notice caution" role="note">
          {caution}
        </p>
      )}
      <Field
        label="Endpoint"
        hint="(S3-compatible server; empty means AWS)"
        value={form.endpoint ?? ''}
        onInput={(value) => update('endpoint', value)}
      />
      <Field
        label="Region"
        hint="(S3; empty means us-east-1)"
        value={form.region ?? ''}
        onInput={(value) => update('region', value)}
      />
      <Field label="User or access key ID" value={form.user} onInput={(value) => update('user', value)} />
      <Field
        label="Password or secret access key"
        secret
        value={form.secret}
        onInput={(value) => update('secret', value)}
      />
      {state.askPassphrase && (
        <DevicePassphrase
          mode="places"
          value={form.devicePassphrase}
          onInput={(value) => update('devicePassphrase', value)}
        />
      )}
      <div class="row">
        <button type="button" class="secondary" disabled={busy} onClick={() => void flow.test(form)}>
          {state.busy === 'testing' ? 'Testing…' : 'Test place'}
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={async () => {
            if (await flow.save(form)) onSaved();
          }}
        >
          {state.busy === 'saving' ? 'Saving…' : 'Save place'}
        </button>
        <button type="button" class="link" disabled={busy} onClick={flow.close}>
          Cancel
        </button>
      </div>
    </form>
  );
}
