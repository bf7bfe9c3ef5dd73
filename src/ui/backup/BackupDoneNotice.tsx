import { SendCopy } from '../places/SendCopy.tsx';
import { SyncedCopy } from '../places/SyncedFolder.tsx';
import { BROWSER_PLACE_STEPS, useSavedPlaces } from '../places/usePlacesFlow.ts';
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
      <SyncedCopy done={done} />
      <SendAfterBackup done={done} />
    </div>
  );
}

/** Send a copy of the backup just made, to a saved place (nothing shows without one). */
function SendAfterBackup({ done }: { done: BackupDone }) {
  const places = useSavedPlaces();
  const file = done.file;
  if (!file) return null;
  const source = { name: done.name, size: done.size, blob: async () => file, stored: done.stored };
  return <SendCopy source={source} places={places} steps={BROWSER_PLACE_STEPS} onSent={() => {}} />;
}
