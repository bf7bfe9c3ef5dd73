import { useEffect, useState } from 'preact/hooks';
import { hasPrivateStorage, MEMORY_LIMIT_TEXT } from '../shared/temp-output.ts';

/**
 * Said once, at the top, where the browser offers Coffer no private file system: backups and
 * restored files then wait in memory until they download, which bounds their size.
 */
export function StorageNotice() {
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    void hasPrivateStorage().then((has) => setMissing(!has));
  }, []);
  if (!missing) return null;
  return (
    <p class="notice caution" role="note" data-testid="memory-mode">
      This browser gives Coffer no private storage here, so each backup or restored file is held in memory until it
      downloads: up to {MEMORY_LIMIT_TEXT} each. Nothing can be kept on this device. For larger backups use Chrome, Edge
      or Firefox, or the command-line tool.
    </p>
  );
}
