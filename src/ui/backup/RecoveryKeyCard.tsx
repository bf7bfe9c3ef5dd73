import { useState } from 'preact/hooks';
import { formatRecoveryKey } from '../../core/recovery-key.ts';
import { downloadBlob } from '../shared/download.ts';

/** The kit a person keeps on paper or in a password manager: the key and how to use it. */
function recoveryKit(key: string, sources: string[]): string {
  const date = new Date().toISOString().slice(0, 10);
  return [
    'COFFER RECOVERY KIT',
    '',
    `Recovery key:  ${formatRecoveryKey(key)}`,
    '',
    `Made on ${date}, for a backup of: ${sources.join(', ') || '(files)'}`,
    '',
    'This key opens every Coffer backup it was used for. Keep it somewhere safe and private.',
    'If you lose both this key and your passphrase, nobody can open those backups, not even Coffer.',
    '',
    'To restore, even offline:',
    '  1. Open the Coffer app (or run: npx coffer restore BACKUP.coffer -o FOLDER --recovery-key-file KEY.txt).',
    '  2. Drop the .coffer file onto the page and choose "Recovery key".',
    '  3. Type the 64 digits above (spaces do not matter) and press Unlock.',
    '',
  ].join('\n');
}

export function RecoveryKeyCard({ recoveryKey, sources }: { recoveryKey: string; sources: string[] }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(formatRecoveryKey(recoveryKey));
    setCopied(true);
  };
  const save = () => {
    const kit = new Blob([recoveryKit(recoveryKey, sources)], { type: 'text/plain' });
    downloadBlob(kit, `coffer-recovery-kit-${new Date().toISOString().slice(0, 10)}.txt`);
  };
  return (
    <div class="recovery-card">
      <h3>Your new recovery key</h3>
      <p>
        Write it down or save the kit now. It is shown only once, and it is the only other way into this backup. Lose
        both the passphrase and this key, and the backup is gone for good.
      </p>
      <code class="recovery-key" data-testid="new-recovery-key">
        {formatRecoveryKey(recoveryKey)}
      </code>
      <div class="row">
        <button type="button" class="secondary" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" class="secondary" onClick={save}>
          Save recovery kit
        </button>
      </div>
    </div>
  );
}
