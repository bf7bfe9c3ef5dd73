/**
 * The tree's I/O ceilings in a worker (issue 15): read every file's bytes, and write every file
 * into a new OPFS folder (the stand-in for a picked folder), each at several concurrencies, so
 * the table can show the best the platform does for many small files with no crypto at all.
 * Each variant is measured by its own call, so the bench can log them as they finish.
 */

const seconds = () => performance.now() / 1000;

/** Runs `job` for every item with at most `limit` running at once. */
async function pool<T>(items: readonly T[], limit: number, job: (item: T, index: number) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      await job(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

const READ_LIMITS = [1, 8, 32];
const WRITE_LIMITS = [1, 8, 32];

async function readAll(files: readonly File[], limit: number, how: 'arrayBuffer' | 'stream'): Promise<number> {
  let bytes = 0;
  await pool(files, limit, async (file) => {
    if (how === 'arrayBuffer') {
      // Not `bytes += await ...`: that reads `bytes` before the await and loses other lanes' counts.
      const length = (await file.arrayBuffer()).byteLength;
      bytes += length;
      return;
    }
    const reader = file.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
    }
  });
  return bytes;
}

/** Folder handles made once per folder, as a restore does. */
function folders(root: FileSystemDirectoryHandle) {
  const known = new Map<string, Promise<FileSystemDirectoryHandle>>([['', Promise.resolve(root)]]);
  const get = (path: string): Promise<FileSystemDirectoryHandle> => {
    const found = known.get(path);
    if (found) return found;
    const slash = path.lastIndexOf('/');
    const made = get(slash === -1 ? '' : path.slice(0, slash)).then((parent) =>
      parent.getDirectoryHandle(path.slice(slash + 1), { create: true }),
    );
    known.set(path, made);
    return made;
  };
  return get;
}

async function writeAll(
  paths: readonly string[],
  data: readonly Uint8Array[],
  limit: number,
  how: 'writable' | 'sync',
  name: string,
): Promise<void> {
  const opfs = await navigator.storage.getDirectory();
  const root = await opfs.getDirectoryHandle(name, { create: true });
  const folderFor = folders(root);
  await pool(paths, limit, async (path, index) => {
    const slash = path.lastIndexOf('/');
    const parent = await folderFor(slash === -1 ? '' : path.slice(0, slash));
    const handle = await parent.getFileHandle(path.slice(slash + 1), { create: true });
    const bytes = data[index] as Uint8Array<ArrayBuffer>;
    if (how === 'sync') {
      // Typed here: TypeScript's DOM library, which the bench compiles against, lacks sync handles.
      const access = await (
        handle as unknown as {
          createSyncAccessHandle(): Promise<{
            write(b: Uint8Array, o: { at: number }): number;
            flush(): void;
            close(): void;
          }>;
        }
      ).createSyncAccessHandle();
      // No flush: it is an fsync per file (about 15 ms each here), and the bytes are in the file
      // once it is closed; Coffer's restore does the same.
      access.write(bytes, { at: 0 });
      access.close();
    } else {
      const writable = await handle.createWritable();
      await writable.write(bytes);
      await writable.close();
    }
  });
}

export type TreeIoVariant =
  | { op: 'read'; how: 'arrayBuffer' | 'stream'; limit: number }
  | { op: 'write'; how: 'writable' | 'sync'; limit: number };

/** The variants the bench measures; the best of each kind is the ceiling. */
export const TREE_IO_VARIANTS: TreeIoVariant[] = [
  ...(['arrayBuffer', 'stream'] as const).flatMap((how) =>
    READ_LIMITS.map((limit) => ({ op: 'read' as const, how, limit })),
  ),
  ...(['writable', 'sync'] as const).flatMap((how) =>
    WRITE_LIMITS.map((limit) => ({ op: 'write' as const, how, limit })),
  ),
];

/** One variant over the whole tree; returns its time in seconds. */
export async function treeIo(
  files: readonly File[],
  paths: readonly string[],
  variant: TreeIoVariant,
): Promise<Record<string, number>> {
  if (variant.op === 'read') {
    const start = seconds();
    const bytes = await readAll(files, variant.limit, variant.how);
    return { seconds: seconds() - start, bytes };
  }
  // The bytes to write are read first, outside the timing: this is the write ceiling alone.
  const data = await Promise.all(files.map(async (file) => new Uint8Array(await file.arrayBuffer())));
  const name = `tree-io-${variant.how}-${variant.limit}`;
  const start = seconds();
  await writeAll(paths, data, variant.limit, variant.how, name);
  const took = seconds() - start;
  await (await navigator.storage.getDirectory()).removeEntry(name, { recursive: true });
  return { seconds: took, bytes: data.reduce((sum, d) => sum + d.length, 0) };
}
