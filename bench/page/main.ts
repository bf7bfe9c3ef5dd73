/**
 * The benchmark page. Coffer runs through the app's own client and worker (src/worker), exactly
 * as the app drives them; the references run in a second worker (bench.worker.ts). Times are
 * taken here, in the page, so the Playwright round trips are not counted.
 */
import { generateRecoveryKey } from '../../src/core/recovery-key.ts';
import { downloadBlob } from '../../src/ui/shared/download.ts';
import { CofferClient } from '../../src/worker/client.ts';
import { HelperHost } from '../../src/worker/helper-host.ts';
import type { BackupItem, Result } from '../../src/worker/protocol.ts';
import type { BenchRequest } from './bench.worker.ts';
import type { TreeIoVariant } from './tree-io.ts';

const seconds = () => performance.now() / 1000;
const recoveryKey = generateRecoveryKey();
let client = new CofferClient();

function input(id: string): File[] {
  return [...((document.getElementById(id) as HTMLInputElement).files ?? [])];
}

/** The selected files as the app's drop handler would list them: folders first, then files. */
function items(id: string): BackupItem[] {
  const files = input(id);
  const folders = new Set<string>();
  const out: BackupItem[] = [];
  for (const file of files) {
    const path = file.webkitRelativePath || file.name;
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      if (!folders.has(folder)) {
        folders.add(folder);
        out.push({ path: folder, type: 'dir', mtime: file.lastModified });
      }
    }
    out.push({ path, type: 'file', file, mtime: file.lastModified });
  }
  return out;
}

async function opfsRoot(): Promise<FileSystemDirectoryHandle> {
  return navigator.storage.getDirectory();
}

async function run(command: Parameters<CofferClient['run']>[0]): Promise<Result> {
  return client.run(command);
}

/**
 * The reference rows' worker and the host of its helpers (the zstd rows use the app's helper pool,
 * whose helpers the page starts, as the app's does). The two live and end together: a host left
 * bound to a stopped worker would carry its helpers' answers to nobody, and the next row that
 * uses them would wait forever (it did, after a tree I/O ceiling timed out).
 */
let benchWorker: { worker: Worker; helpers: HelperHost } | undefined;

function startBenchWorker(): { worker: Worker; helpers: HelperHost } {
  const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module', name: 'bench' });
  return { worker, helpers: new HelperHost(worker) };
}

function stopBenchWorker(): void {
  benchWorker?.helpers.stopAll();
  benchWorker?.worker.terminate();
  benchWorker = undefined;
}

function reference(request: BenchRequest): Promise<Record<string, number>> {
  benchWorker ??= startBenchWorker();
  const { worker, helpers } = benchWorker;
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<{ ok: boolean; result?: Record<string, number>; error?: string }>) => {
      if (helpers.handle(event.data)) return;
      event.data.ok ? resolve(event.data.result ?? {}) : reject(new Error(event.data.error));
    };
    worker.postMessage(request);
  });
}

const bench = {
  /** Coffer create from the input's files into an OPFS file, as the app does without a file picker. */
  async create(options: { input: string; name: string; compress: boolean; parity?: number }) {
    const list = items(options.input);
    const bytes = list.reduce((sum, item) => sum + (item.file?.size ?? 0), 0);
    const start = seconds();
    const result = await run({
      type: 'create',
      items: list,
      recoveryKey,
      kdf: 'default',
      compress: options.compress,
      output: { kind: 'opfs', name: options.name },
      verify: false,
      // As the app does: the repair data waits in a private-storage file, not in memory.
      parity: options.parity,
      paritySpill: options.parity === undefined ? undefined : `${options.name}.parity-spill`,
    });
    if (result.type !== 'created') throw new Error('create did not create');
    return { seconds: seconds() - start, bytes, size: result.size };
  },

  /** Unlock (reads the index: the "list"), then restore all into a new OPFS folder, or extract one file. */
  async restore(options: { name: string; folder: string; only?: string; zip?: boolean }) {
    const root = await opfsRoot();
    const file = await (await root.getFileHandle(options.name)).getFile();
    const start = seconds();
    const unlocked = await run({ type: 'unlock', file, credentials: { recoveryKey } });
    if (unlocked.type !== 'unlocked') throw new Error('unlock did not unlock');
    const listed = seconds();
    let bytes: number;
    if (options.only) {
      const result = await run({ type: 'extract', path: options.only, output: { kind: 'opfs', name: options.folder } });
      if (result.type !== 'extracted') throw new Error('extract did not extract');
      bytes = result.size;
    } else if (options.zip) {
      // As the app does without a folder picker: one .zip file.
      const result = await run({
        type: 'restore-all',
        target: { kind: 'zip', output: { kind: 'opfs', name: options.folder } },
      });
      if (result.type !== 'restored') throw new Error('restore did not restore');
      bytes = result.bytes;
    } else {
      // As the app does: the page makes the new, empty folder and the worker writes into it.
      await root.getDirectoryHandle(options.folder, { create: true });
      const result = await run({
        type: 'restore-all',
        target: { kind: 'directory', handle: root, folderName: options.folder },
      });
      if (result.type !== 'restored') throw new Error('restore did not restore');
      bytes = result.bytes;
    }
    const done = seconds();
    return { seconds: done - start, listSeconds: listed - start, bytes, entries: unlocked.entries.length };
  },

  /** A backup of one file as large as the whole tree (the head of the random input), for the zip target's ratio. */
  async createSameSize(options: { bytes: number; name: string }) {
    const source = input('random')[0];
    if (source.size < options.bytes) throw new Error('the random input is smaller than the tree');
    const file = new File([source.slice(0, options.bytes)], 'same-size.bin', { lastModified: source.lastModified });
    const result = await run({
      type: 'create',
      items: [{ path: file.name, type: 'file', file, mtime: file.lastModified }],
      recoveryKey,
      kdf: 'default',
      compress: true,
      output: { kind: 'opfs', name: options.name },
      verify: false,
    });
    if (result.type !== 'created') throw new Error('create did not create');
  },

  /**
   * Issue 16 (a), the path without pickers as the app takes it (src/ui/backup/flow.ts): write the
   * backup into a temporary OPFS file, then hand that file to the browser as a download. The
   * bench times from the call to the download being complete on disk. With `coffer` false, the
   * same file unencrypted goes the same way: the I/O-only row.
   */
  async downloadPath(options: { input: string; coffer: boolean }) {
    const file = input(options.input)[0];
    const name = `path-${options.coffer ? 'coffer' : 'plain'}`;
    if (options.coffer) {
      const result = await run({
        type: 'create',
        items: [{ path: file.name, type: 'file', file, mtime: file.lastModified }],
        recoveryKey,
        kdf: 'default',
        compress: true,
        output: { kind: 'opfs', name },
        verify: false,
      });
      if (result.type !== 'created') throw new Error('create did not create');
    } else {
      await reference({ op: 'copyToOpfs', file, name });
    }
    const out = await (await (await opfsRoot()).getFileHandle(name)).getFile();
    downloadBlob(out, `${name}.bin`);
    return { bytes: file.size, size: out.size };
  },

  /**
   * The tree's read and write ceilings (tree-io.ts) in the reference worker. One that has not
   * finished after `timeoutSeconds` stops the worker (which closes its files) and says so.
   */
  async treeIo(variant: TreeIoVariant, timeoutSeconds: number) {
    const files = input('tree');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<Record<string, number>>((resolve) => {
      timer = setTimeout(() => {
        stopBenchWorker();
        resolve({ timedOut: timeoutSeconds });
      }, timeoutSeconds * 1000);
    });
    const ran = reference({
      op: 'treeIo',
      files,
      paths: files.map((file) => file.webkitRelativePath || file.name),
      variant,
    });
    try {
      return await Promise.race([ran, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  },

  /** Removes everything from the origin's private file system. */
  async clear() {
    const root = await opfsRoot();
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) {
      await root.removeEntry(name, { recursive: true }).catch((error: DOMException) => {
        // Files a stopped worker still held (a tree I/O ceiling that timed out) stay locked for
        // a while; they go with the run's temporary profile. Nothing else is left.
        if (error.name !== 'NoModificationAllowedError') throw error;
      });
    }
    // A fresh worker, as after the app's cancel: nothing cached from the last run.
    client.cancel();
    client = new CofferClient();
    client.warmUp();
  },

  async reference(request: Omit<BenchRequest, 'file'> & { input?: string }) {
    const { input: id, ...rest } = request;
    const file = id ? input(id)[0] : undefined;
    return reference({ ...rest, file } as BenchRequest);
  },
};

(window as unknown as { bench: typeof bench }).bench = bench;
client.warmUp();
document.body.dataset.ready = 'true';
