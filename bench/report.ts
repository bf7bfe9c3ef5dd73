/** The benchmark's table and the issue's targets, computed from figures measured in one run. */
import type { Figure } from './lib.ts';
import { BROWSER_TREE_ROWS } from './report-tree.ts';
import type { Target } from './target.ts';

type Figures = Record<string, Figure>;

/** The app through its UI, download path: Chromium's rows (app.*); Firefox's are app.firefox.* (no stream ceiling, no rekey). */
const APP_ROWS: [string, string][] = [
  ['app.download.plain', 'the input file downloaded as it is (no Coffer)'],
  ['app.download.create', 'Create backup (check after writing off) -> .coffer download'],
  ['app.download.createParity', 'Create backup with "Add repair data" (10%, check off) -> .coffer download'],
  ['app.download.createChecked', 'Create backup, checked after writing (the default: staged, then handed over)'],
  ['app.download.streamCeiling', "the service worker's streamed download alone (no crypto, same size)"],
  ['app.download.restoreZip', 'Restore all -> .zip download'],
  ['app.download.restoreOne', 'Download of the one restored file'],
  ['app.download.createBig', 'Create backup of the 4 GiB file (full runs), with renderer memory'],
  ['app.download.restoreZipBig', 'Restore all as .zip, 4 GiB, with renderer memory'],
  ['app.download.restoreOneBig', 'Download of the one restored 4 GiB file, with renderer memory'],
  ['app.rekey.device', '"Change how it unlocks" (new passphrase) on a copy kept on this device'],
  ['app.rekey.opfsCopy', 'the same copy duplicated in the private file system (createWritable), no Coffer'],
  ['app.rekey.unlock', 'Unlock of that copy (one Argon2id run, default preset)'],
  ['app.ceiling.encrypt', 'WebCrypto AES-256-GCM encrypt alone, 256 KiB, 4 in flight, same page'],
  ['app.ceiling.decrypt', 'WebCrypto AES-256-GCM decrypt alone, 256 KiB, 4 in flight, same page'],
];
const FIREFOX_APP_ROWS = APP_ROWS.filter(([key]) => !/streamCeiling|rekey/.test(key)).map(
  ([key, label]): [string, string] => [key.replace(/^app\./, 'app.firefox.'), label],
);

const ROWS: [string, [string, string][]][] = [
  ['Chromium: the built app through its UI, no file picker: from the click to the file complete on disk', APP_ROWS],
  [
    'Firefox: the built app through its UI (no file picker there): from the click to the file complete on disk',
    FIREFOX_APP_ROWS,
  ],
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
      [
        'zip64.write',
        "restore as .zip: the app's zip writer, largest input + 1 MiB and 70,000 small files (Zip64), to disk",
      ],
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
