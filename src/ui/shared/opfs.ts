/**
 * The origin's private file system and this tab's identity. Each tab holds a Web Lock for its
 * lifetime, so other tabs can tell files still being written from leftovers of a closed tab.
 */
const TAB_LOCK_PREFIX = 'coffer-tab-';

export const tabId = crypto.randomUUID();
navigator.locks?.request(`${TAB_LOCK_PREFIX}${tabId}`, () => new Promise<void>(() => {}));

export async function liveTabIds(): Promise<Set<string>> {
  const held = (await navigator.locks?.query())?.held ?? [];
  return new Set(
    held
      .map((lock) => lock.name ?? '')
      .filter((name) => name.startsWith(TAB_LOCK_PREFIX))
      .map((name) => name.slice(TAB_LOCK_PREFIX.length)),
  );
}

export function opfsRoot(): Promise<FileSystemDirectoryHandle> {
  return navigator.storage.getDirectory();
}

export async function opfsNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const name of ((await opfsRoot()) as unknown as { keys(): AsyncIterable<string> }).keys())
    names.push(name);
  return names;
}

export async function opfsFile(name: string): Promise<File> {
  return (await (await opfsRoot()).getFileHandle(name)).getFile();
}

/**
 * A terminated worker releases its OPFS access handle a moment later, so removal is retried
 * until the file is gone (or was never there).
 */
export async function removeOpfsEntry(name: string): Promise<void> {
  const root = await opfsRoot();
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      await root.removeEntry(name, { recursive: true });
      return;
    } catch (error) {
      if (error instanceof DOMException && error.name === 'NotFoundError') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
