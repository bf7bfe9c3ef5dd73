import type { BackupItem } from '../../worker/protocol.ts';
import { ProgressView } from '../progress/ProgressView.tsx';
import { removeItem } from '../shared/collect.ts';
import { ErrorNotice } from '../shared/ErrorNotice.tsx';
import { formatBytes } from '../shared/format.ts';
import { DevicePassphrase } from '../vault/DevicePassphrase.tsx';
import { BackupDoneNotice } from './BackupDoneNotice.tsx';
import { BackupKeyFields } from './BackupKeyFields.tsx';
import { PasskeyField } from './PasskeyField.tsx';
import { PassphraseFields } from './PassphraseFields.tsx';
import { SkippedNotice } from './SkippedNotice.tsx';
import { useBackupFlow } from './useBackupFlow.ts';
import { useBackupForm } from './useBackupForm.ts';

export interface BackupPanelProps {
  items: BackupItem[];
  onItemsChange: (items: BackupItem[]) => void;
}

export function BackupPanel({ items, onItemsChange }: BackupPanelProps) {
  const fields = useBackupForm(items);
  const { form, update, strength, options, setOption, canKeep, devicePassphrase, setDevicePassphrase } = fields;
  const { progress, error, cancelled, problem, done, busy, start, cancel } = useBackupFlow(items, fields);
  return (
    // "empty": on a phone the form waits for something to back up (narrow.css).
    <form class={items.length === 0 ? 'panel empty' : 'panel'} onSubmit={start} aria-labelledby="backup-heading">
      <h2 id="backup-heading">Make a backup</h2>
      {items.length === 0 && <p class="hint">Add files or a folder to start, or drop them anywhere on this page.</p>}
      {items.length > 0 && (
        <div class="items">
          <ul aria-label="Files to back up">
            {items.map((item) => (
              <li key={item.path}>
                <span class="item-path">
                  {item.type === 'dir' && <span class="icon icon-folder" aria-hidden="true" />}
                  {item.path}
                </span>
                <span class="item-size">{item.file ? formatBytes(item.file.size) : ''}</span>
                <button
                  type="button"
                  class="link"
                  aria-label={`Remove ${item.path}`}
                  disabled={busy}
                  onClick={() => onItemsChange(removeItem(items, item.path))}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <p class="total">
            {fields.summary}, {formatBytes(fields.total)} in all
          </p>
        </div>
      )}

      <fieldset disabled={busy}>
        <legend>How to unlock it</legend>
        <label class="check">
          <input
            type="checkbox"
            checked={form.usePassphrase}
            onChange={(e) => update({ usePassphrase: e.currentTarget.checked })}
          />
          Lock with a passphrase
        </label>
        {form.usePassphrase && (
          <PassphraseFields
            form={form}
            update={update}
            strength={strength}
            strong={options.strong}
            onStrong={(value) => setOption('strong', value)}
          />
        )}
        <BackupKeyFields
          form={form}
          update={update}
          sources={fields.sources}
          canRecall={fields.rememberedWith !== undefined}
        />
        {fields.asksDevice && (
          <DevicePassphrase
            mode={fields.asksDevice}
            value={devicePassphrase}
            onInput={setDevicePassphrase}
            strength={fields.deviceStrength}
          />
        )}
        <PasskeyField form={form} update={update} />
        <p class="warning">
          Coffer never sees your passphrase or key. If you lose both, nobody can open this backup — not even us.
        </p>
      </fieldset>

      <fieldset disabled={busy}>
        <legend>Options</legend>
        <label class="check">
          <input
            type="checkbox"
            checked={options.compress}
            onChange={(e) => setOption('compress', e.currentTarget.checked)}
          />
          Compress files that shrink
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={options.verify}
            onChange={(e) => setOption('verify', e.currentTarget.checked)}
          />
          Check the backup after writing it
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={options.parity}
            onChange={(e) => setOption('parity', e.currentTarget.checked)}
          />
          Add repair data (about 10% larger: any 5 damaged blocks in each run of 55 can be repaired)
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={form.keep && canKeep}
            disabled={!canKeep}
            onChange={(e) => update({ keep: e.currentTarget.checked })}
          />
          Keep a copy on this device
          {!canKeep && ' (not possible in this browser: it gives Coffer no private storage here)'}
        </label>
      </fieldset>

      {problem && (
        <p class="notice error" role="alert">
          {problem}
        </p>
      )}
      {error && <ErrorNotice error={error} />}
      {cancelled && (
        <p class="notice caution" role="status">
          Cancelled. Nothing was kept.
        </p>
      )}
      {progress ? (
        <ProgressView state={progress} onCancel={cancel} />
      ) : (
        // On a phone this bar stays in view while the form scrolls (narrow.css).
        <div class="actions">
          <button type="submit" class="primary">
            Create backup
          </button>
        </div>
      )}
      {done && <BackupDoneNotice done={done} />}
      {done && <SkippedNotice skipped={done.skipped} />}
    </form>
  );
}
