/**
 * The one way in (issue 31): what to add or open sits at the top of its own tab, nowhere else.
 * The inputs stay in the page on every tab (hidden where they do not belong), so choosing a
 * file never depends on which tab is showing, and each control exists exactly once.
 */
import { folderPicker } from '../vault/folders.ts';

export interface StartControlsProps {
  tab: string;
  onAddFiles: (event: Event) => void;
  onPickFolder: () => void;
  onOpenBackup: (event: Event) => void;
}

export function StartControls({ tab, onAddFiles, onPickFolder, onOpenBackup }: StartControlsProps) {
  const canRemember = folderPicker() !== undefined;
  return (
    <div class="start">
      <div class="start-row" hidden={tab !== 'backup'}>
        <div class="row">
          <label class="button secondary">
            <input type="file" multiple aria-label="Add files" onChange={onAddFiles} />
            Add files
          </label>
          <label class="button secondary">
            <input
              type="file"
              aria-label="Add folder"
              onChange={onAddFiles}
              {...{ webkitdirectory: true, directory: true }}
            />
            Add folder
          </label>
          {canRemember && (
            <button type="button" class="secondary" onClick={onPickFolder} aria-describedby="remember-hint">
              Pick a folder to back up again later
            </button>
          )}
        </div>
        {canRemember && (
          <p class="hint" id="remember-hint">
            Add folder takes what the folder holds now. Pick a folder also remembers it on this device, so On this
            device can back it up again in one step.
          </p>
        )}
      </div>
      <div class="start-row" hidden={tab !== 'restore'}>
        <label class="button secondary">
          <input type="file" accept=".coffer" aria-label="Open backup" onChange={onOpenBackup} />
          Open backup
        </label>
      </div>
    </div>
  );
}
