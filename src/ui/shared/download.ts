/** Hands finished files to the browser as ordinary downloads, via temporary OPFS files. */
import { liveTabIds, opfsFile, opfsNames, removeOpfsEntry, tabId } from './opfs.ts';

export { opfsFile };

/**
 * Test-only observer: Playwright's Firefox driver sees no download event for blob URLs, so the
 * e2e tests define this to receive exactly what the real code below hands to the browser. The
 * page's own code never defines it.
 */
type DownloadObserver = (blob: Blob, name: string) => void;

export function downloadBlob(blob: Blob, name: string): void {
  (globalThis as { __cofferDownloadObserver?: DownloadObserver }).__cofferDownloadObserver?.(blob, name);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own reference; the URL only needs to live until it starts.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

const TEMP_PREFIX = 'coffer-tmp-';

/**
 * A fresh temporary file name. This tab's earlier temporary files (finished downloads) are
 * removed first, so the private file system never holds more than the current operation.
 */
export async function newTempName(purpose: string): Promise<string> {
  const own = `${TEMP_PREFIX}${tabId}.`;
  const names = (await opfsNames()).filter((name) => name.startsWith(own) && !held.has(name));
  await Promise.all(names.map((name) => removeOpfsEntry(name)));
  return `${own}${purpose}-${crypto.randomUUID()}`;
}

export const removeTemp = removeOpfsEntry;

/**
 * Handed-over temporary files hold decrypted plaintext. Removing one at once cancels its
 * download (Chromium reads the file while it saves it, and the page cannot see when it is done),
 * so each is removed after a grace period generous for its size, or on `pagehide`, whichever
 * comes first; anything left by a crash goes at the next start (`removeStaleTemps`).
 */
const handedOver = new Map<string, ReturnType<typeof setTimeout>>();
/** Handed-over files still being read in the tab (the WhatsApp chat reader): kept until released or `pagehide`. */
const held = new Set<string>();
const GRACE_MS = 60_000;
const GRACE_BYTES_PER_MS = 10_000; // 10 MB/s: far below a local download's speed.

function removeHandedOver(name: string): void {
  clearTimeout(handedOver.get(name));
  handedOver.delete(name);
  held.delete(name);
  void removeOpfsEntry(name);
}

/**
 * Downloads a finished temporary file and removes it once the download has had time to read it.
 * With `hold`, the page goes on reading it: it stays until `release()` (or `pagehide`).
 */
export async function handOverTemp(temp: string, name: string): Promise<undefined>;
export async function handOverTemp(temp: string, name: string, hold: true): Promise<{ file: File; release(): void }>;
export async function handOverTemp(
  temp: string,
  name: string,
  hold?: true,
): Promise<undefined | { file: File; release(): void }> {
  const file = await opfsFile(temp);
  downloadBlob(file, name);
  const removeLater = () =>
    handedOver.set(
      temp,
      setTimeout(() => removeHandedOver(temp), GRACE_MS + file.size / GRACE_BYTES_PER_MS),
    );
  if (!hold) {
    removeLater();
    return undefined;
  }
  held.add(temp);
  return {
    file,
    release: () => {
      if (!held.delete(temp)) return;
      removeLater(); // The download may still be reading it.
    },
  };
}

if (typeof window !== 'undefined') {
  window.addEventListener('pagehide', () => {
    for (const name of [...handedOver.keys(), ...held]) removeHandedOver(name);
  });
}

/** Keeps a temporary file that the page goes on reading (not a download) until the returned release. */
export function holdTemp(temp: string): () => void {
  held.add(temp);
  return () => {
    if (held.delete(temp)) void removeOpfsEntry(temp);
  };
}

/** Removes temporary files left by tabs that closed or crashed mid-operation. */
export async function removeStaleTemps(): Promise<void> {
  if (!navigator.storage?.getDirectory || !navigator.locks) return;
  const live = await liveTabIds();
  const stale = (await opfsNames()).filter(
    (name) => name.startsWith(TEMP_PREFIX) && !live.has(name.slice(TEMP_PREFIX.length).split('.')[0]),
  );
  await Promise.all(stale.map((name) => removeOpfsEntry(name)));
}
