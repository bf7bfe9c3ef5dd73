/**
 * A file shared to Coffer is shown, not opened: any website can send one to the share target,
 * so the person decides whether it is one they shared themselves.
 */
import { formatBytes } from '../shared/format.ts';

interface Props {
  file: File;
  onOpen: () => void;
  onDiscard: () => void;
}

export function SharedFileConfirm({ file, onOpen, onDiscard }: Props) {
  return (
    <section class="notice shared" role="alertdialog" aria-label="Shared file" aria-describedby="shared-file-text">
      <p id="shared-file-text">
        A file was shared to Coffer: <strong data-testid="shared-name">{file.name}</strong> (
        <span data-testid="shared-size">{formatBytes(file.size)}</span>). Open it only if you shared it yourself; any
        website can send a file here.
      </p>
      <button type="button" onClick={onOpen}>
        Open
      </button>{' '}
      <button type="button" class="secondary" onClick={onDiscard}>
        Discard
      </button>
    </section>
  );
}
