/** The coffer command on the bench's files: one large file, the small-file tree, 100,000 files, rekey. */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareLognormalTree, prepareTree } from './data.ts';
import { repeat, repeatTogether, timedCommand } from './lib.ts';
import {
  type NodeBench,
  nativeTreePeer,
  setAside,
  settleDisk,
  size,
  tarCreate,
  tarRestore,
  treeSize,
} from './node-context.ts';

export async function cliIo(bench: NodeBench): Promise<void> {
  const { data, out, repeats, log, record, coffer, unlock } = bench;
  log('Node: the coffer command');
  const inputs = [
    ['random', data.random],
    ['text', data.text],
  ] as const;
  for (const [label, source] of inputs) {
    const bytes = size(source);
    const backup = join(out, `${label}.coffer`);
    record(
      `cli.create.${label}`,
      await repeat(repeats, async () => {
        rmSync(backup, { force: true });
        const run = await coffer(['create', '-o', backup, ...unlock, source]);
        return {
          seconds: run.seconds,
          bytes,
          extra: { ratio: size(backup) / bytes, peakRssMiB: run.peakRss / 2 ** 20 },
        };
      }),
    );
    const restored = join(out, `${label}-restored`);
    record(
      `cli.restore.${label}`,
      await repeat(repeats, async () => {
        rmSync(restored, { recursive: true, force: true });
        const run = await coffer(['restore', backup, '-o', restored, ...unlock]);
        if (treeSize(restored) !== bytes) throw new Error(`coffer restored the wrong size for ${label}`);
        return { seconds: run.seconds, bytes, extra: { peakRssMiB: run.peakRss / 2 ** 20 } };
      }),
    );
    rmSync(restored, { recursive: true, force: true });
    if (label === 'random') await rekeyVersusCopy(bench, backup);
  }
}

// Issue 17: changing a passphrase costs about a copy of the file. The backup gets a passphrase
// first (untimed); then the timed rekey replaces it, opening with the recovery key: one Argon2id
// run for the new slot, the payload copied unchanged. Against cp, and cp && sync (rekey fsyncs).
export async function rekeyVersusCopy(bench: NodeBench, backup: string): Promise<void> {
  const { out, repeats, record, coffer, unlock } = bench;
  const passphrases = [join(out, 'old.pass'), join(out, 'new.pass')];
  writeFileSync(passphrases[0], 'bench old passphrase: correct horse battery\n');
  writeFileSync(passphrases[1], 'bench new passphrase: staple orbit lantern\n');
  const withPassphrase = join(out, 'with-passphrase.coffer');
  rmSync(withPassphrase, { force: true });
  await coffer(['rekey', '-q', backup, '-o', withPassphrase, ...unlock, '--set-passphrase-file', passphrases[0]]);
  const bytes = size(withPassphrase);
  const copy = join(out, 'copy.coffer');
  record(
    'cli.rekey.passphrase',
    await repeat(repeats, async () => {
      rmSync(copy, { force: true });
      const run = await coffer([
        'rekey',
        '-q',
        withPassphrase,
        '-o',
        copy,
        ...unlock,
        '--set-passphrase-file',
        passphrases[1],
      ]);
      if (size(copy) !== bytes) throw new Error('coffer rekey wrote the wrong size');
      return { seconds: run.seconds, bytes, extra: { bytes } };
    }),
  );
  for (const [name, script] of [
    ['native.cp.backup', 'cp "$1" "$2"'],
    ['native.cpSync.backup', 'cp "$1" "$2" && sync "$2"'],
  ] as const) {
    record(
      name,
      await repeat(repeats, async () => {
        rmSync(copy, { force: true });
        const run = await timedCommand('sh', ['-c', script, 'sh', withPassphrase, copy]);
        return { seconds: run.seconds, bytes };
      }),
    );
  }
  rmSync(copy, { force: true });
  rmSync(withPassphrase, { force: true });
}

export async function cliTree(bench: NodeBench): Promise<void> {
  const { data, out, repeats, log, record, coffer, unlock, skipped } = bench;
  log('Node: the coffer command on the tree of small files');
  // The 10,000-file tree: create, list (index only), restore one file, restore all, and the
  // fixed cost of any command (start-up, unlock, index of a one-file backup).
  const treeBackup = join(out, 'tree.coffer');
  const treeName = data.tree.split('/').pop() as string;
  const restored = join(out, 'tree-restored');
  // The native reference on the same tree, in the same run, attempt by attempt beside coffer:
  // tar | gzip -1 | age to create, age -d | gzip -d | tar -x to restore.
  const peer = nativeTreePeer(out);
  if (!peer) skipped.push('native tar | gzip -1 | age tree rows (tar, gzip or age is not installed)');
  const treeAge = join(out, 'tree.tar.gz.age');
  const created = await repeatTogether(repeats, {
    'cli.tree.create': async () => {
      rmSync(treeBackup, { force: true });
      settleDisk();
      const run = await coffer(['create', '-o', treeBackup, ...unlock, data.tree]);
      return {
        seconds: run.seconds,
        extra: { ratio: size(treeBackup) / data.treeBytes, peakRssMiB: run.peakRss / 2 ** 20 },
      };
    },
    ...(peer && {
      'native.tree.create': async () => {
        rmSync(treeAge, { force: true });
        settleDisk();
        const run = await tarCreate(peer, data.tree, treeAge);
        return { seconds: run.seconds, extra: { ratio: size(treeAge) / data.treeBytes } };
      },
    }),
  });
  for (const [name, value] of Object.entries(created)) record(name, value);
  const oneBackup = join(out, 'one.coffer');
  rmSync(oneBackup, { force: true });
  await coffer(['create', '-o', oneBackup, ...unlock, join(data.tree, data.treeSample)]);
  record('cli.fixed', await repeat(repeats, async () => coffer(['list', oneBackup, ...unlock])));
  record('cli.tree.list', await repeat(repeats, async () => coffer(['list', treeBackup, ...unlock])));
  record(
    'cli.tree.restoreOne',
    await repeat(repeats, async () => {
      rmSync(restored, { recursive: true, force: true });
      return coffer(['restore', treeBackup, '-o', restored, ...unlock, '--only', `${treeName}/${data.treeSample}`]);
    }),
  );
  const untarred = join(out, 'tree-untarred');
  const restoredAll = await repeatTogether(repeats, {
    'cli.tree.restoreAll': async () => {
      setAside(restored, out);
      settleDisk();
      const run = await coffer(['restore', treeBackup, '-o', restored, ...unlock]);
      if (treeSize(join(restored, treeName)) !== data.treeBytes) throw new Error('the tree restore is incomplete');
      return { seconds: run.seconds, extra: { peakRssMiB: run.peakRss / 2 ** 20 } };
    },
    ...(peer && {
      'native.tree.restore': async () => {
        setAside(untarred, out);
        mkdirSync(untarred);
        settleDisk();
        const run = await tarRestore(peer, treeAge, untarred);
        if (treeSize(join(untarred, treeName)) !== data.treeBytes) throw new Error('tar restored the wrong size');
        return { seconds: run.seconds };
      },
    }),
  });
  for (const [name, value] of Object.entries(restoredAll)) record(name, value);
  for (const path of [restored, untarred]) setAside(path, out);
  rmSync(treeAge, { force: true });
}

/**
 * 100,000 small files: create, list, restore and verify, each a new process, with its peak
 * memory. What each entry costs is the growth over the same command on the 10,000-file tree,
 * divided by the 90,000 entries more.
 */
export async function cliMany(bench: NodeBench): Promise<void> {
  const { data, out, repeats, log, record, coffer, unlock } = bench;
  log('Node: the coffer command on 100,000 small files');
  const many = prepareTree(join(data.dir, '..'), 100_000, log);
  const backup = join(out, 'many.coffer');
  const restored = join(out, 'many-restored');
  const name = many.tree.split('/').pop() as string;
  const small = join(out, 'small-tree.coffer');
  const smallRestored = join(out, 'small-restored');
  const steps = {
    create: (file: string, tree: string) => ['create', '-o', file, ...unlock, tree],
    list: (file: string) => ['list', file, ...unlock],
    verify: (file: string) => ['verify', file, ...unlock],
    restore: (file: string, _tree: string, to: string) => ['restore', file, '-o', to, ...unlock],
  };
  const peaks: Record<string, { small: number; large: number }> = {};
  for (const [step, args] of Object.entries(steps)) {
    let smallPeak = 0;
    const figure = await repeat(repeats, async () => {
      if (step === 'create') for (const file of [backup, small]) rmSync(file, { force: true });
      else for (const tree of [restored, smallRestored]) setAside(tree, out);
      const baseline = await coffer(args(small, data.tree, smallRestored));
      smallPeak = Math.max(smallPeak, baseline.peakRss);
      const run = await coffer(args(backup, many.tree, restored));
      if (step === 'restore' && treeSize(join(restored, name)) !== many.treeBytes)
        throw new Error('the 100,000-file restore is incomplete');
      return { seconds: run.seconds, extra: { peakRssMiB: run.peakRss / 2 ** 20 } };
    });
    const large = (figure.extra?.peakRssMiB ?? 0) * 2 ** 20;
    peaks[step] = { small: smallPeak, large };
    const perEntry = (large - smallPeak) / (many.treeFiles - data.treeFiles);
    figure.extra = { ...figure.extra, bytesPerEntry: Math.max(0, Math.round(perEntry)), files: many.treeFiles };
    record(`cli.many.${step}`, figure);
  }
  for (const path of [backup, small]) rmSync(path, { force: true });
  for (const path of [restored, smallRestored]) setAside(path, out);
}

/**
 * Issue 33: a tree shaped like people's folders (lognormal sizes, a quarter incompressible,
 * uneven nesting; bench/data.ts), created and restored by coffer and by the tar pipeline,
 * attempt by attempt side by side.
 */
export async function cliLognormal(bench: NodeBench): Promise<void> {
  bench.log('Node: the coffer command on the lognormal tree');
  const { tree, treeBytes } = prepareLognormalTree(join(bench.data.dir, '..'), 10_000, bench.log);
  await treeVersusPipeline(bench, 'lognormal', tree, treeBytes);
}

/** Where a real tree of many small, often already compressed files usually is (Debian, Ubuntu). */
export const SHARE_DOC = '/usr/share/doc';

/**
 * Issue 33: the same on a real tree, /usr/share/doc (thousands of small files, many of them
 * gzip-compressed changelogs, and symbolic links, which coffer skips and tar keeps). Skipped,
 * and said so, where the machine has none.
 */
export async function cliShareDoc(bench: NodeBench): Promise<void> {
  if (!existsSync(SHARE_DOC)) {
    bench.skipped.push(`the ${SHARE_DOC} rows (no such folder here)`);
    return;
  }
  bench.log(`Node: the coffer command on ${SHARE_DOC}`);
  await treeVersusPipeline(bench, 'sharedoc', SHARE_DOC, treeSize(SHARE_DOC));
}

/** Rows cli.KEY.create / .restore and native.KEY.create / .restore, for one tree. */
async function treeVersusPipeline(bench: NodeBench, key: string, tree: string, treeBytes: number): Promise<void> {
  const { out, repeats, record, coffer, unlock, skipped } = bench;
  const name = tree.split('/').pop() as string;
  const backup = join(out, `${key}.coffer`);
  const restored = join(out, `${key}-restored`);
  const archive = join(out, `${key}.tar.gz.age`);
  const untarred = join(out, `${key}-untarred`);
  const peer = nativeTreePeer(out);
  if (!peer) skipped.push(`native tar | gzip -1 | age ${key} rows (tar, gzip or age is not installed)`);
  const created = await repeatTogether(repeats, {
    [`cli.${key}.create`]: async () => {
      rmSync(backup, { force: true });
      settleDisk();
      const run = await coffer(['create', '-q', '-o', backup, ...unlock, tree]);
      return { seconds: run.seconds, extra: { ratio: size(backup) / treeBytes } };
    },
    ...(peer && {
      [`native.${key}.create`]: async () => {
        rmSync(archive, { force: true });
        settleDisk();
        const run = await tarCreate(peer, tree, archive);
        return { seconds: run.seconds, extra: { ratio: size(archive) / treeBytes } };
      },
    }),
  });
  for (const [row, value] of Object.entries(created)) record(row, value);
  const restoredAll = await repeatTogether(repeats, {
    [`cli.${key}.restore`]: async () => {
      setAside(restored, out);
      settleDisk();
      const run = await coffer(['restore', backup, '-o', restored, ...unlock]);
      if (treeSize(join(restored, name)) !== treeBytes) throw new Error(`the ${key} restore is incomplete`);
      return { seconds: run.seconds };
    },
    ...(peer && {
      [`native.${key}.restore`]: async () => {
        setAside(untarred, out);
        mkdirSync(untarred);
        settleDisk();
        const run = await tarRestore(peer, archive, untarred);
        if (treeSize(join(untarred, name)) !== treeBytes) throw new Error('tar restored the wrong size');
        return { seconds: run.seconds };
      },
    }),
  });
  for (const [row, value] of Object.entries(restoredAll)) record(row, value);
  for (const path of [restored, untarred]) setAside(path, out);
  for (const path of [archive, backup]) rmSync(path, { force: true });
}
