import { countWords, formatBytes } from '../shared/format.ts';
import { useFocusOn } from '../shared/useFocusOn.ts';
import type { BackupDone } from './make-backup.ts';
import { ShareButton } from './ShareButton.tsx';

/** Where the backup went comes first: a person's first question is "where is it?". */
function whereItWent(done: BackupDone): string {
  if (done.destination === 'picked') return `Saved as "${done.name}" where you chose.`;
  return `Saved to your downloads folder as "${done.name}".`;
}

export function BackupDoneNotice({ done }: { done: BackupDone }) {
  const place = useFocusOn<HTMLDivElement>(done);
  return (
    <div class="notice success" role="status" tabIndex={-1} ref={place}>
      <p class="notice-headline">Backup ready: {done.name}</p>
      <p data-testid="backup-destination">
        {whereItWent(done)}
        {done.kept && ' A copy is kept on this device. Find it under "On this device".'}
      </p>
      <p>
        {countWords(done.files, done.folders)}, {formatBytes(done.contentBytes)}; the backup file is{' '}
        {formatBytes(done.size)}.{' '}
        {done.verified ? 'Read back and checked: every byte is intact.' : 'Not checked after writing.'}
      </p>
      {done.file && <ShareButton file={done.file} />}
    </div>
  );
}
