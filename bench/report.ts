/** The benchmark's table and the issue's targets, computed from figures measured in one run. */
import type { Figure } from './lib.ts';
import { BROWSER_TREE_ROWS, browserTreeTargets } from './report-tree.ts';
import { ratioTarget, type Target } from './target.ts';

export type { Target } from './target.ts';

type Figures = Record<string, Figure>;

const ROWS: [string, [string, string][]][] = [
  [
    'Chromium: Coffer through the app worker (File in, OPFS out), references in a second worker',
    [
      ['browser.create.random', 'Coffer create, random'],
      ['browser.restore.random', 'Coffer restore, random (unlock + restore all)'],
      ['browser.create.text', 'Coffer create, chat text'],
      ['browser.restore.text', 'Coffer restore, chat text'],
      ['browser.aesgcm.encrypt1', 'WebCrypto AES-256-GCM encrypt, 256 KiB, 1 call at a time (no I/O)'],
      ['browser.aesgcm.encrypt4', 'WebCrypto AES-256-GCM encrypt, 256 KiB, 4 in flight (no I/O)'],
      ['browser.aesgcm.decrypt1', 'WebCrypto AES-256-GCM decrypt, 256 KiB, 1 call at a time (no I/O)'],
      ['browser.aesgcm.decrypt4', 'WebCrypto AES-256-GCM decrypt, 256 KiB, 4 in flight (no I/O)'],
      ['browser.io.readFile', 'read a File as a stream (I/O only)'],
      ['browser.io.readSlices', 'read a File in 8 MiB slices, arrayBuffer() (I/O only)'],
      ['browser.io.memFresh', 'touch every page of fresh 256 KiB buffers (memory only)'],
      ['browser.io.memReused', 'touch every page of one reused 256 KiB buffer (memory only)'],
      ['browser.io.writeSync', 'write OPFS, sync access handle, 256 KiB writes (I/O only)'],
      ['browser.io.writeWritable', 'write OPFS, createWritable, 256 KiB writes (I/O only)'],
      ['browser.io.writeWritable16', 'write OPFS, createWritable, 4 MiB writes (I/O only)'],
      ['browser.sodium.encryptMemory', 'libsodium secretstream 64 KiB (hat.sh) encrypt, in memory (no I/O)'],
      ['browser.sodium.decryptMemory', 'libsodium secretstream 64 KiB (hat.sh) decrypt, in memory (no I/O)'],
      ['browser.typage.encryptMemory', 'typage (age-encryption) encrypt, in memory (no I/O)'],
      ['browser.typage.decryptMemory', 'typage (age-encryption) decrypt, in memory (no I/O)'],
      ['browser.sodium.encrypt', 'libsodium secretstream 64 KiB (hat.sh) encrypt, File to OPFS'],
      ['browser.sodium.decrypt', 'libsodium secretstream 64 KiB (hat.sh) decrypt, OPFS to OPFS'],
      ['browser.typage.encrypt', 'typage (age-encryption) encrypt, File to OPFS'],
      ['browser.typage.decrypt', 'typage (age-encryption) decrypt, OPFS to OPFS'],
      ['browser.zstd.compress1', 'zstd level 1 (WebAssembly), 1 MiB segments, one worker (no I/O)'],
      ['browser.zstd.compress2', 'zstd level 2 (what Coffer writes), 1 MiB segments, one worker (no I/O)'],
      ['browser.zstd.compress3', 'zstd level 3, 1 MiB segments, one worker (no I/O)'],
      ['browser.zstd.decompress', 'zstd decompress (frame checked first), one worker (no I/O)'],
      ['browser.zstd.poolCompress', "zstd level 2 on every core (the app's helper workers, no I/O)"],
      ['browser.zstd.poolDecompress', "zstd decompress on every core (the app's helper workers, no I/O)"],
      ['browser.fflateDeflate', 'fflate deflate level 1, 1 MiB segments, one worker (no I/O)'],
      ['browser.fflateDeflate2', 'fflate deflate level 2, 1 MiB segments, one worker (no I/O)'],
      ['browser.fflateInflate', 'fflate inflate, 1 MiB segments (no I/O)'],
      ['browser.nativeDeflate', 'CompressionStream deflate-raw, 1 MiB segments (no I/O)'],
      ['browser.nativeInflate', 'DecompressionStream deflate-raw, 1 MiB segments (no I/O)'],
      ['browser.argon2.default', 'Argon2id default preset (64 MiB, t=3), hash-wasm'],
      ['browser.argon2.strong', 'Argon2id strong preset (256 MiB, t=4), hash-wasm'],
      ['browser.tree.create', 'tree of small files: create'],
      ['browser.fixed', 'fixed cost: unlock a one-file backup'],
      ['browser.tree.list', 'tree: unlock and list'],
      ['browser.tree.restoreOne', 'tree: unlock and restore one file'],
      ['browser.tree.restoreAll', 'tree: unlock and restore all'],
      ...BROWSER_TREE_ROWS,
      ['browser.big.create', 'large file: create'],
      ['browser.big.createParity', 'large file: create with repair data (10%)'],
      ['browser.big.restore', 'large file: restore'],
    ],
  ],
  [
    'Node: the coffer command as a person runs it (new process, start-up and unlock included, real files)',
    [
      ['cli.create.random', 'coffer create, random'],
      ['cli.restore.random', 'coffer restore, random'],
      ['cli.create.text', 'coffer create, chat text'],
      ['cli.restore.text', 'coffer restore, chat text'],
      ['cli.rekey.passphrase', 'coffer rekey --set-passphrase-file (change the passphrase), random backup'],
      ['cli.tree.create', 'tree of small files: coffer create'],
      ['cli.fixed', 'fixed cost: coffer list of a one-file backup'],
      ['cli.tree.list', 'tree: coffer list'],
      ['cli.tree.restoreOne', 'tree: coffer restore --only one file'],
      ['cli.tree.restoreAll', 'tree: coffer restore'],
      ['native.tree.create', 'tree: tar -cf - | gzip -1 | age -e -r KEY (same run)'],
      ['native.tree.restore', 'tree: age -d | gzip -d | tar -x (same run)'],
      ['cli.many.create', '100,000 small files: coffer create'],
      ['cli.many.list', '100,000 small files: coffer list'],
      ['cli.many.restore', '100,000 small files: coffer restore'],
      ['cli.many.verify', '100,000 small files: coffer verify'],
      ['salvage.create', 'salvage set (N files, random): coffer create --no-compress'],
      ['salvage.createParity', 'salvage set: coffer create --no-compress --parity 10'],
      ['parity.memory.cli', 'largest input: coffer create --parity 10, peak memory'],
      ['salvage.restoreSalvage', 'salvage set, 1% of chunks damaged: coffer restore --salvage'],
      ['salvage.restoreParity', 'salvage set with parity, same damage: coffer restore'],
    ],
  ],
  [
    'Native tools on the same files (Debian packages)',
    [
      ['native.age.encrypt', 'age -e -r KEY -o OUT, random'],
      ['native.age.encryptSync', 'age -e -r KEY -o OUT && sync OUT, random'],
      ['native.age.decrypt', 'age -d -i KEY -o OUT, random'],
      ['native.gzipAge.create', 'gzip -1 | age -e -r KEY, chat text'],
      ['native.gzipAge.restore', 'age -d | gzip -d, chat text'],
      ['native.gzip1', 'gzip -1, chat text'],
      ['native.zstdAge.create', 'zstd -1 | age -e -r KEY, chat text'],
      ['native.zstdAge.restore', 'age -d | zstd -d, chat text'],
      ['native.zstd1', 'zstd -1, chat text'],
      ['native.cp.backup', 'cp, the random backup'],
      ['native.cpSync.backup', 'cp && sync, the random backup'],
      ['native.argon2.default', 'argon2 -id, default preset'],
      ['native.argon2.strong', 'argon2 -id, strong preset'],
    ],
  ],
  [
    'WhatsApp chats: a generated message store in the real schema, read in pieces by SQLite WASM',
    [
      ['whatsapp.chats.list', 'open the database and list the chats (with counts and last messages)'],
      ['whatsapp.chats.page', 'one page of 100 messages from the middle of the long chat'],
      ['whatsapp.chats.search', 'search every message for a phrase (200 results at most)'],
      ['whatsapp.chats.export', 'coffer whatsapp chats DB -o DIR (every chat as one HTML file)'],
    ],
  ],
  [
    'Node in-process ceilings',
    [
      ['node.aesgcm.encrypt1', 'WebCrypto AES-256-GCM encrypt, 256 KiB, 1 call at a time'],
      ['node.aesgcm.encrypt4', 'WebCrypto AES-256-GCM encrypt, 256 KiB, 4 in flight'],
      ['node.aesgcm.decrypt1', 'WebCrypto AES-256-GCM decrypt, 256 KiB, 1 call at a time'],
      ['node.aesgcm.decrypt4', 'WebCrypto AES-256-GCM decrypt, 256 KiB, 4 in flight'],
      ['node.openssl.encrypt', "node:crypto AES-256-GCM encrypt, 256 KiB, one thread (the CLI's engine)"],
      ['node.openssl.decrypt', "node:crypto AES-256-GCM decrypt, 256 KiB, one thread (the CLI's engine)"],
      ['node.fflate.deflate1', 'fflate deflate level 1, 1 MiB segments, one thread'],
      ['node.fflate.deflate2', 'fflate deflate level 2, 1 MiB segments, one thread'],
      ['node.fflate.inflate', 'fflate inflate'],
      ['node.zlib.deflate1', 'node:zlib deflate level 1, 1 MiB segments, one thread'],
      ['node.zlib.deflate2', 'node:zlib deflate level 2, 1 MiB segments, one thread'],
      ['node.zlib.inflate', 'node:zlib inflate'],
      ['node.zstd.compress1', 'zstd level 1 (WebAssembly), 1 MiB segments, one thread'],
      ['node.zstd.compress2', 'zstd level 2 (WebAssembly; what Coffer writes), 1 MiB segments, one thread'],
      ['node.zstd.compress3', 'zstd level 3 (WebAssembly), 1 MiB segments, one thread'],
      ['node.zstd.decompress', 'zstd decompress (WebAssembly, frame checked first), one thread'],
      ['node.zstd.poolCompress', "zstd level 2 on every core (the CLI's thread pool)"],
      ['node.zstd.poolDecompress', "zstd decompress on every core (the CLI's thread pool)"],
      ['node.argon2.default', 'Argon2id default preset, hash-wasm'],
      ['node.argon2.strong', 'Argon2id strong preset, hash-wasm'],
    ],
  ],
];

function number(value: number, unit: string): string {
  if (unit === 'MB/s' || unit === 'ms') return value >= 100 ? value.toFixed(0) : value.toPrecision(3);
  return value.toPrecision(3);
}

function notes(f: Figure): string {
  const parts: string[] = [];
  const extra = f.extra ?? {};
  if (extra.ratio !== undefined) parts.push(`ratio ${extra.ratio.toFixed(3)}`);
  if (extra.peakRssMiB !== undefined) parts.push(`max RSS ${extra.peakRssMiB.toFixed(0)} MiB`);
  if (extra.rendererGrowthMiB !== undefined) parts.push(`renderer +${extra.rendererGrowthMiB.toFixed(0)} MiB`);
  if (extra.bytes !== undefined) parts.push(`${(extra.bytes / 2 ** 30).toFixed(0)} GiB`);
  if (extra.bytesPerEntry !== undefined) parts.push(`${extra.bytesPerEntry} B per entry`);
  return parts.join(', ');
}

export interface ReportInput {
  date: string;
  env: string;
  mode: string;
  repeats: number;
  machine: {
    cpu?: string;
    cores: number;
    memoryGiB: number;
    node: string;
    chromium: string;
    loadBefore: number;
    loadAfter: number;
    seconds: number;
  };
  inputs: { random: number; text: number; treeFiles: number; treeBytes: number; big: number };
  skipped: string[];
  figures: Figures;
  targets: Target[];
}

function size(bytes: number): string {
  return bytes >= 2 ** 30 ? `${bytes / 2 ** 30} GiB` : `${Math.round(bytes / 2 ** 20)} MiB`;
}

/** Markdown table cells: a literal pipe (as in `gzip -1 | age`) must be escaped. */
const cell = (text: string) => text.replaceAll('|', '\\|');

export function renderReport(r: ReportInput): string {
  const lines: string[] = [];
  lines.push(
    `Coffer benchmark ${r.date.slice(0, 16).replace('T', ' ')} UTC, ${r.mode} run, ${r.env} (${r.machine.cpu ?? '?'}, ${r.machine.memoryGiB} GiB), Node ${r.machine.node}, Chromium ${r.machine.chromium || '-'}`,
  );
  lines.push(
    `Inputs: random ${size(r.inputs.random)}, chat text ${size(r.inputs.text)}, ${r.inputs.treeFiles.toLocaleString('en')} small files (${size(r.inputs.treeBytes)})${r.inputs.big ? `, large random file ${size(r.inputs.big)}` : ''}. Median of ${r.repeats} (min-max); MB/s = 10^6 B/s. Load average ${r.machine.loadBefore.toFixed(2)} before, ${r.machine.loadAfter.toFixed(2)} after; ${r.machine.seconds.toFixed(0)} s in all.`,
  );
  for (const [title, rows] of ROWS) {
    const present = rows.filter(([key]) => r.figures[key]);
    if (present.length === 0) continue;
    lines.push('', `| ${title} | median | min-max | unit | notes |`, '|---|--:|--:|---|---|');
    for (const [key, label] of present) {
      const f = r.figures[key];
      lines.push(
        `| ${cell(label)} | ${number(f.median, f.unit)} | ${number(f.min, f.unit)}-${number(f.max, f.unit)} | ${f.unit} | ${notes(f)} |`,
      );
    }
  }
  lines.push('', '| target (ratios from this run) | measured | required | met |', '|---|--:|--:|---|');
  for (const t of r.targets) {
    const met = t.required === '-' ? 'context' : t.met === null ? 'not measured' : t.met ? 'yes' : 'NO';
    lines.push(`| ${cell(t.name)} | ${cell(t.measured)} | ${cell(t.required)} | ${met} |`);
  }
  if (r.skipped.length > 0) lines.push('', `Skipped: ${r.skipped.join('; ')}.`);
  return lines.join('\n');
}

export function targets(f: Figures): Target[] {
  const m = (key: string) => f[key]?.median;
  const out: Target[] = [];
  const ratio = (name: string, a: string, b: string | number | undefined, atLeast: number, bLabel = '') => {
    out.push(ratioTarget(name, m(a), typeof b === 'string' ? m(b) : b, atLeast, 'atLeast', bLabel));
  };
  const maxOf = (...keys: string[]) => {
    const values = keys.map(m).filter((v): v is number => v !== undefined);
    return values.length ? Math.max(...values) : undefined;
  };
  // Issue 18: salvage and parity with 1% of the chunks damaged (bench/salvage.ts).
  const salvaged = f['salvage.restoreSalvage']?.extra;
  out.push(
    salvaged
      ? {
          name: `Salvage, 1% of chunks damaged (${salvaged.damagedChunks} chunks): intact files byte for byte, lost = those touching damage`,
          measured: `${salvaged.mismatches} wrong files, ${salvaged.wrongLost} misreported, ${salvaged.lostFiles} lost`,
          required: '0 wrong, 0 misreported',
          met: salvaged.mismatches === 0 && salvaged.wrongLost === 0,
        }
      : { name: 'Salvage, 1% of chunks damaged', measured: '-', required: '0 wrong, 0 misreported', met: null },
  );
  const repaired = f['salvage.restoreParity']?.extra;
  out.push({
    name: 'Parity 10%, same damage: every file restored byte for byte',
    measured: repaired ? `${repaired.mismatches} wrong files` : '-',
    required: '0 wrong',
    met: repaired ? repaired.mismatches === 0 : null,
  });
  const withParity = m('salvage.createParity');
  const without = m('salvage.create');
  const cost = withParity !== undefined && without !== undefined ? withParity / without : undefined;
  out.push({
    name: `create --parity 10 / create (size ${f['salvage.createParity']?.extra?.sizeRatio?.toFixed(3) ?? '-'}x)`,
    measured: cost === undefined ? '-' : `${cost.toFixed(2)}x`,
    required: '<= 1.15x',
    met: cost === undefined ? null : cost <= 1.15,
    value: cost,
  });
  const parityMemory = f['parity.memory.cli']?.extra;
  out.push({
    name: `create --parity 10 of ${parityMemory?.inputMiB?.toFixed(0) ?? '-'} MiB: peak memory it adds (CLI)`,
    measured: parityMemory ? `${parityMemory.growthMiB.toFixed(0)} MiB` : '-',
    required: '<= 300 MiB',
    met: parityMemory ? parityMemory.growthMiB <= 300 : null,
    value: parityMemory?.growthMiB,
  });
  const encCeiling = maxOf('browser.aesgcm.encrypt1', 'browser.aesgcm.encrypt4');
  const decCeiling = maxOf('browser.aesgcm.decrypt1', 'browser.aesgcm.decrypt4');
  ratio('Chromium create, random / WebCrypto encrypt ceiling', 'browser.create.random', encCeiling, 0.6);
  // Against each peer's best figure (usually in memory, with no I/O): the stricter comparison.
  const peer = (name: string, direction: string) =>
    maxOf(`browser.${name}.${direction}`, `browser.${name}.${direction}Memory`);
  ratio('Chromium create, random / libsodium secretstream', 'browser.create.random', peer('sodium', 'encrypt'), 3);
  ratio('Chromium create, random / typage', 'browser.create.random', peer('typage', 'encrypt'), 7);
  ratio('Chromium restore, random / WebCrypto decrypt ceiling', 'browser.restore.random', decCeiling, 0.6);
  ratio('Chromium restore, random / libsodium secretstream', 'browser.restore.random', peer('sodium', 'decrypt'), 3);
  ratio('Chromium restore, random / typage', 'browser.restore.random', peer('typage', 'decrypt'), 7);

  // Not a target of the issue: how close Coffer comes to the browser's own I/O (reading the File,
  // writing OPFS), which bounds any end-to-end figure.
  const ioBound = (() => {
    const read = maxOf('browser.io.readFile', 'browser.io.readSlices');
    const write = m('browser.io.writeSync');
    return read === undefined || write === undefined ? undefined : Math.min(read, write);
  })();
  if (ioBound !== undefined && m('browser.create.random') !== undefined) {
    const value = (m('browser.create.random') as number) / ioBound;
    out.push({
      name: 'Chromium create, random / I/O ceiling (read the File, write OPFS), for context',
      measured: `${value.toFixed(2)}x`,
      required: '-',
      met: null,
      value,
    });
  }

  const textCreate = m('browser.create.text');
  out.push({
    name: 'Chromium create, chat text (MB/s)',
    measured: textCreate === undefined ? '-' : `${textCreate.toFixed(0)} MB/s`,
    required: '>= 100 MB/s',
    met: textCreate === undefined ? null : textCreate >= 100,
    value: textCreate,
  });
  ratio('Chromium create, chat text / native gzip -1 | age', 'browser.create.text', 'native.gzipAge.create', 1);
  const ratioOf = (key: string) => f[key]?.extra?.ratio;
  const browserRatio = ratioOf('browser.create.text');
  out.push({
    name: 'Chromium create, chat text: size ratio',
    measured: browserRatio === undefined ? '-' : browserRatio.toFixed(3),
    required: `<= 0.33 (gzip -1: ${ratioOf('native.gzip1')?.toFixed(3) ?? '-'})`,
    met: browserRatio === undefined ? null : browserRatio <= 0.33,
    value: browserRatio,
  });
  ratio('CLI create, random / age -e -r KEY', 'cli.create.random', 'native.age.encrypt', 0.5);
  // Issue 17: a passphrase change in about the time of a copy (rekey fsyncs, so cp && sync).
  ratio('CLI rekey, change passphrase / cp && sync (speed)', 'cli.rekey.passphrase', 'native.cpSync.backup', 0.67);
  // Issue 16: with zstd, against both native pipelines.
  ratio('CLI create, chat text / gzip -1 | age -e -r KEY', 'cli.create.text', 'native.gzipAge.create', 1.5);
  ratio('CLI create, chat text / zstd -1 | age -e -r KEY', 'cli.create.text', 'native.zstdAge.create', 0.8);
  const cliRatio = ratioOf('cli.create.text');
  out.push({
    name: 'CLI create, chat text: size ratio',
    measured: cliRatio === undefined ? '-' : cliRatio.toFixed(3),
    required: `<= 0.33 (gzip -1 | age: ${ratioOf('native.gzipAge.create')?.toFixed(3) ?? '-'})`,
    met: cliRatio === undefined ? null : cliRatio <= 0.33,
    value: cliRatio,
  });
  out.push(...treeTargets(f));
  for (const [env, prefix] of [
    ['CLI', 'cli'],
    ['Chromium', 'browser'],
  ]) {
    const list = m(`${prefix}.tree.list`);
    const all = m(`${prefix}.tree.restoreAll`);
    const fixed = m(`${prefix}.fixed`);
    const name = `${env} list of the tree, beyond the fixed cost, / its full restore beyond it`;
    if (list === undefined || all === undefined || fixed === undefined) {
      out.push({ name, measured: '-', required: '<= 5%', met: null });
      continue;
    }
    const value = Math.max(0, list - fixed) / Math.max(1e-9, all - fixed);
    out.push({ name, measured: `${(value * 100).toFixed(1)}%`, required: '<= 5%', met: value <= 0.05, value });
  }
  out.push(...browserTreeTargets(f));
  for (const [key, what] of [
    ['browser.big.create', 'create'],
    ['browser.big.createParity', 'create with repair data (10%)'],
    ['browser.big.restore', 'restore'],
  ]) {
    const growth = f[key]?.extra?.rendererGrowthMiB;
    const bytes = f['browser.big.create']?.extra?.bytes;
    out.push({
      name: `Chromium ${bytes ? `${(bytes / 2 ** 30).toFixed(0)} GiB ` : ''}${what}: renderer memory growth`,
      measured: growth === undefined ? '-' : `${growth.toFixed(0)} MiB`,
      required: '<= 300 MiB',
      met: growth === undefined ? null : growth <= 300,
      value: growth,
    });
  }
  const wasm = m('browser.argon2.default');
  const native = m('native.argon2.default');
  out.push({
    name: 'Argon2id default, Chromium worker / native argon2',
    measured:
      wasm === undefined || native === undefined
        ? '-'
        : `${(wasm / native).toFixed(2)}x (${wasm.toFixed(0)} / ${native.toFixed(0)} ms)`,
    required: '<= 2x',
    met: wasm === undefined || native === undefined ? null : wasm / native <= 2,
    value: wasm !== undefined && native !== undefined ? wasm / native : undefined,
  });
  return out;
}

/** Issue 15: the CLI on the 10,000-file tree against tar | gzip -1 | age, measured in the same run. */
function treeTargets(f: Figures): Target[] {
  const out: Target[] = [];
  for (const [name, ours, theirs] of [
    ['CLI create of the tree / tar | gzip -1 | age (wall time)', 'cli.tree.create', 'native.tree.create'],
    ['CLI restore of the tree / age -d | gzip -d | tar -x (wall time)', 'cli.tree.restoreAll', 'native.tree.restore'],
  ]) {
    const x = f[ours]?.median;
    const y = f[theirs]?.median;
    const value = x !== undefined && y !== undefined ? x / y : undefined;
    out.push({
      name,
      measured: value === undefined ? '-' : `${value.toFixed(2)}x (${x?.toFixed(2)} / ${y?.toFixed(2)} s)`,
      required: '<= 1.0x',
      met: value === undefined ? null : value <= 1,
      value,
    });
  }
  const ours = f['cli.tree.create']?.extra?.ratio;
  const theirs = f['native.tree.create']?.extra?.ratio;
  out.push({
    name: 'CLI create of the tree: output size / tar | gzip -1 | age',
    measured: ours === undefined || theirs === undefined ? '-' : `${(ours / theirs).toFixed(3)}`,
    required: '<= 1.0',
    met: ours === undefined || theirs === undefined ? null : ours <= theirs,
    value: ours === undefined || theirs === undefined ? undefined : ours / theirs,
  });
  for (const step of ['create', 'list', 'restore', 'verify']) {
    const perEntry = f[`cli.many.${step}`]?.extra?.bytesPerEntry;
    out.push({
      name: `CLI ${step} of 100,000 files: memory per entry (peak RSS growth over the bench tree)`,
      measured: perEntry === undefined ? '-' : `${perEntry} B`,
      required: '-',
      met: null,
      value: perEntry,
    });
  }
  return out;
}
