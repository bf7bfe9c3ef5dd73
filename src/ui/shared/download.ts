/** Hands a finished file to the browser as an ordinary download. */

export function downloadBlob(blob: Blob, name: string): void {
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
const TAB_LOCK_PREFIX = 'coffer-tab-';
/** Each tab holds a Web Lock for its lifetime, so another tab can tell which temp files are live. */
const tabId = crypto.randomUUID();
navigator.locks?.request(`${TAB_LOCK_PREFIX}${tabId}`, () => new Promise<void>(() => {}));

/**
 * A fresh temporary file name. This tab's earlier temporary files (finished downloads) are
 * removed first, so the private file system never holds more than the current operation.
 */
export async function newTempName(purpose: string): Promise<string> {
  const root = await navigator.storage.getDirectory();
  const own = `${TEMP_PREFIX}${tabId}.`;
  const names: string[] = [];
  for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) {
    if (name.startsWith(own)) names.push(name);
  }
  await Promise.all(names.map((name) => removeTemp(name)));
  return `${own}${purpose}-${crypto.randomUUID()}`;
}

export async function opfsFile(name: string): Promise<File> {
  const root = await navigator.storage.getDirectory();
  return (await root.getFileHandle(name)).getFile();
}

/**
 * A terminated worker releases its OPFS access handle a moment later, so removal is retried
 * until the file is gone (or was never there).
 */
export async function removeTemp(name: string): Promise<void> {
  const root = await navigator.storage.getDirectory();
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      await root.removeEntry(name);
      return;
    } catch (error) {
      if (error instanceof DOMException && error.name === 'NotFoundError') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Removes temporary files left by tabs that closed or crashed mid-operation. */
export async function removeStaleTemps(): Promise<void> {
  if (!navigator.storage?.getDirectory || !navigator.locks) return;
  const held = await navigator.locks.query();
  const liveTabs = new Set((held.held ?? []).map((lock) => lock.name?.slice(TAB_LOCK_PREFIX.length)));
  const root = await navigator.storage.getDirectory();
  const names: string[] = [];
  for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) {
    const owner = name.slice(TEMP_PREFIX.length).split('.')[0];
    if (name.startsWith(TEMP_PREFIX) && !liveTabs.has(owner)) names.push(name);
  }
  await Promise.all(names.map((name) => root.removeEntry(name).catch(() => {})));
}
