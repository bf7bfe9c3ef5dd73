import { useState } from 'preact/hooks';
import { formatRecoveryKey } from '../../core/recovery-key.ts';
import { buildRecoveryKit } from '../../core/recovery-kit.ts';
import { OpenerLink } from '../opener/OpenerLink.tsx';
import { downloadBlob } from '../shared/download.ts';
import { safeName } from './naming.ts';

export interface RecoveryKeyCardProps {
  recoveryKey: string;
  sources: string[];
  /** While the person confirms, the key is hidden, so the check asks for what they saved. */
  concealed?: boolean;
  onShow?: () => void;
  /** Absent where a different key is not offered (changing how an existing backup unlocks). */
  onNewKey?: () => void;
}

/** The app's own address, without any query or fragment: that is what the kit points to. */
function appAddress(): string {
  return `${location.origin}${location.pathname}`;
}

export function kitFileName(sources: string[], date = new Date().toISOString().slice(0, 10)): string {
  const what = safeName(sources[0] ?? 'backup', 40);
  return `coffer-recovery-kit ${what} ${date}.txt`;
}

export function RecoveryKeyCard({ recoveryKey, sources, concealed, onShow, onNewKey }: RecoveryKeyCardProps) {
  const [said, setSaid] = useState('');
  const copy = async () => {
    await navigator.clipboard.writeText(formatRecoveryKey(recoveryKey));
    setSaid('Copied the recovery key to the clipboard.');
  };
  const save = () => {
    const date = new Date().toISOString().slice(0, 10);
    const kit = buildRecoveryKit(recoveryKey, { date, sources, appAddress: appAddress() });
    const name = kitFileName(sources, date);
    downloadBlob(new Blob([kit], { type: 'text/plain' }), name);
    setSaid(`Saved the recovery kit (this key and how to restore with it) to your downloads as "${name}".`);
  };
  return (
    <div class="recovery-card">
      <h3>Your new recovery key</h3>
      <p>
        Write it down or save the kit now. It is the only other way into this backup. Lose both the passphrase and this
        key, and the backup is gone for good. Keep the offline opener with the kit: it opens the backup from your disk
        even if this website is gone.
      </p>
      {concealed ? (
        <p class="recovery-key concealed">
          Hidden while you confirm.{' '}
          <button type="button" class="link" onClick={onShow}>
            Show the key again
          </button>
        </p>
      ) : (
        <code class="recovery-key" data-testid="new-recovery-key">
          {formatRecoveryKey(recoveryKey)}
        </code>
      )}
      <div class="row">
        <button type="button" class="secondary" onClick={copy}>
          {said.startsWith('Copied') ? 'Copied' : 'Copy'}
        </button>
        <button type="button" class="secondary" onClick={save}>
          Save recovery kit
        </button>
        <OpenerLink class="button secondary" label="Save offline opener" />
        {onNewKey && (
          <button type="button" class="link" onClick={onNewKey}>
            Make a different key
          </button>
        )}
      </div>
      {said && (
        <p class="hint" role="status">
          {said}
        </p>
      )}
    </div>
  );
}
