/**
 * The Node half of the benchmark: the `coffer` command exactly as a person runs it (a new process,
 * start-up and key derivation included, a real output file), the native tools on the same files,
 * and in-process ceilings (WebCrypto, DEFLATE, Argon2id) for the core's environment.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deflateRawSync, inflateRawSync, constants as zlib } from 'node:zlib';
import { deflateSync, inflateSync } from 'fflate';
import { nodeAesGcm } from '../src/cli/aes-gcm.ts';
import { deriveArgon2id, KDF_PRESETS, type KdfPreset } from '../src/core/kdf.ts';
import { type BenchData, prepareTree } from './data.ts';
import { type Figure, repeat, repeatTogether, timedCommand } from './lib.ts';
import { runParityMemory } from './parity-memory.ts';
import { runSalvage } from './salvage.ts';
import { benchWhatsAppChats } from './whatsapp-chats.ts';
import { zstdCodecRows, zstdNativeRows } from './zstd.ts';

const ROOT = resolve(import.meta.dirname, '..');
const COFFER = [join(ROOT, 'bin/coffer.mjs')];

export interface NodeResults {
  figures: Record<string, Figure>;
  skipped: string[];
}

function have(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

function size(path: string): number {
  return statSync(path).size;
}

/** Total bytes of the regular files under a folder (to check that restores are complete). */
function treeSize(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** An age key pair for the native tree rows, or undefined when tar, gzip or age is missing. */
function nativeTreePeer(out: string): { identity: string; recipient: string } | undefined {
  if (!['tar', 'gzip', 'age', 'age-keygen'].every(have)) return undefined;
  const identity = join(out, 'tree-age.key');
  rmSync(identity, { force: true });
  execFileSync('age-keygen', ['-o', identity], { stdio: 'ignore' });
  return { identity, recipient: execFileSync('age-keygen', ['-y', identity], { encoding: 'utf8' }).trim() };
}

export async function runNode(
  data: BenchData,
  work: string,
  repeats: number,
  log: (line: string) => void,
  want: (group: string) => boolean = () => true,
  whatsappMessages = 200_000,
): Promise<NodeResults> {
  const figures: Record<string, Figure> = {};
  const skipped: string[] = [];
  const out = join(work, 'node');
  mkdirSync(out, { recursive: true });
  const record = (name: string, value: Figure) => {
    figures[name] = value;
    const extra = value.extra ? ` ${JSON.stringify(value.extra)}` : '';
    log(`  ${name}: ${value.median.toFixed(value.unit === 'MB/s' ? 0 : 3)} ${value.unit}${extra}`);
  };

  const keyFile = join(out, 'recovery.key');
  rmSync(keyFile, { force: true });
  execFileSync(process.execPath, [...COFFER, 'keygen', '-o', keyFile], { stdio: 'ignore' });
  const unlock = ['--recovery-key-file', keyFile];
  const coffer = (args: string[]) => timedCommand(process.execPath, [...COFFER, ...args]);

  const cliIo = async () => {
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
      if (label === 'random') await rekeyVersusCopy(backup);
    }
  };

  // Issue 17: changing a passphrase costs about a copy of the file. The backup gets a passphrase
  // first (untimed); then the timed rekey replaces it, opening with the recovery key: one Argon2id
  // run for the new slot, the payload copied unchanged. Against cp, and cp && sync (rekey fsyncs).
  const rekeyVersusCopy = async (backup: string) => {
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
        return { seconds: run.seconds, bytes };
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
  };

  const cliTree = async () => {
    log('Node: the coffer command on the tree of small files');
    // The 10,000-file tree: create, list (index only), restore one file, restore all, and the
    // fixed cost of any command (start-up, unlock, index of a one-file backup).
    const treeBackup = join(out, 'tree.coffer');
    const treeName = data.tree.split('/').pop() as string;
    const treeParent = join(data.tree, '..');
    const restored = join(out, 'tree-restored');
    // The native reference on the same tree, in the same run, attempt by attempt beside coffer:
    // tar | gzip -1 | age to create, age -d | gzip -d | tar -x to restore.
    const peer = nativeTreePeer(out);
    if (!peer) skipped.push('native tar | gzip -1 | age tree rows (tar, gzip or age is not installed)');
    const treeAge = join(out, 'tree.tar.gz.age');
    const created = await repeatTogether(repeats, {
      'cli.tree.create': async () => {
        rmSync(treeBackup, { force: true });
        const run = await coffer(['create', '-o', treeBackup, ...unlock, data.tree]);
        return {
          seconds: run.seconds,
          extra: { ratio: size(treeBackup) / data.treeBytes, peakRssMiB: run.peakRss / 2 ** 20 },
        };
      },
      ...(peer && {
        'native.tree.create': async () => {
          rmSync(treeAge, { force: true });
          const run = await timedCommand('sh', [
            '-c',
            'cd "$1" && tar -cf - "$2" | gzip -1 | age -e -r "$3" -o "$4"',
            'sh',
            treeParent,
            treeName,
            peer.recipient,
            treeAge,
          ]);
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
        rmSync(restored, { recursive: true, force: true });
        const run = await coffer(['restore', treeBackup, '-o', restored, ...unlock]);
        if (treeSize(join(restored, treeName)) !== data.treeBytes) throw new Error('the tree restore is incomplete');
        return { seconds: run.seconds, extra: { peakRssMiB: run.peakRss / 2 ** 20 } };
      },
      ...(peer && {
        'native.tree.restore': async () => {
          rmSync(untarred, { recursive: true, force: true });
          mkdirSync(untarred);
          const run = await timedCommand('sh', [
            '-c',
            'age -d -i "$1" "$2" | gzip -d | tar -x -C "$3"',
            'sh',
            peer.identity,
            treeAge,
            untarred,
          ]);
          if (treeSize(join(untarred, treeName)) !== data.treeBytes) throw new Error('tar restored the wrong size');
          return { seconds: run.seconds };
        },
      }),
    });
    for (const [name, value] of Object.entries(restoredAll)) record(name, value);
    for (const path of [restored, untarred, treeAge]) rmSync(path, { recursive: true, force: true });
  };

  /**
   * 100,000 small files: create, list, restore and verify, each a new process, with its peak
   * memory. What each entry costs is the growth over the same command on the 10,000-file tree,
   * divided by the 90,000 entries more.
   */
  const cliMany = async () => {
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
        rmSync(step === 'create' ? backup : restored, { recursive: true, force: true });
        rmSync(step === 'create' ? small : smallRestored, { recursive: true, force: true });
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
    for (const path of [backup, restored, small, smallRestored]) rmSync(path, { recursive: true, force: true });
  };

  const native = async () => {
    log('Node: native tools on the same files');
    if (have('age') && have('age-keygen')) {
      const identity = join(out, 'age.key');
      rmSync(identity, { force: true });
      execFileSync('age-keygen', ['-o', identity], { stdio: 'ignore' });
      const recipient = execFileSync('age-keygen', ['-y', identity], { encoding: 'utf8' }).trim();
      const sealed = join(out, 'random.age');
      const bytes = size(data.random);
      record(
        'native.age.encrypt',
        await repeat(repeats, async () => {
          rmSync(sealed, { force: true });
          const run = await timedCommand('age', ['-e', '-r', recipient, '-o', sealed, data.random]);
          return { seconds: run.seconds, bytes };
        }),
      );
      const opened = join(out, 'random.age.out');
      record(
        'native.age.decrypt',
        await repeat(repeats, async () => {
          rmSync(opened, { force: true });
          const run = await timedCommand('age', ['-d', '-i', identity, '-o', opened, sealed]);
          return { seconds: run.seconds, bytes };
        }),
      );
      // Same durability as `coffer create`, which fsyncs its output before renaming it into place.
      record(
        'native.age.encryptSync',
        await repeat(repeats, async () => {
          rmSync(sealed, { force: true });
          const run = await timedCommand('sh', [
            '-c',
            'age -e -r "$1" -o "$2" "$3" && sync "$2"',
            'sh',
            recipient,
            sealed,
            data.random,
          ]);
          return { seconds: run.seconds, bytes };
        }),
      );
      rmSync(opened, { force: true });
      rmSync(sealed, { force: true });
      if (have('gzip')) {
        const textBytes = size(data.text);
        const gz = join(out, 'text.gz.age');
        record(
          'native.gzipAge.create',
          await repeat(repeats, async () => {
            rmSync(gz, { force: true });
            const run = await timedCommand('sh', [
              '-c',
              'gzip -1 -c "$1" | age -e -r "$2" -o "$3"',
              'sh',
              data.text,
              recipient,
              gz,
            ]);
            return { seconds: run.seconds, bytes: textBytes, extra: { ratio: size(gz) / textBytes } };
          }),
        );
        const back = join(out, 'text.out');
        record(
          'native.gzipAge.restore',
          await repeat(repeats, async () => {
            rmSync(back, { force: true });
            const run = await timedCommand('sh', [
              '-c',
              'age -d -i "$1" "$2" | gzip -d -c > "$3"',
              'sh',
              identity,
              gz,
              back,
            ]);
            if (size(back) !== textBytes) throw new Error('gunzip | age restored the wrong size');
            return { seconds: run.seconds, bytes: textBytes };
          }),
        );
        rmSync(back, { force: true });
        rmSync(gz, { force: true });
      } else skipped.push('gzip -1 | age (gzip is not installed)');
      if (have('zstd')) await zstdNativeRows(data.text, out, { recipient, identity }, repeats, record);
      else skipped.push('zstd -1 | age (zstd is not installed)');
    } else skipped.push('native age (the age package is not installed)');
    if (have('gzip')) {
      const textBytes = size(data.text);
      const gz = join(out, 'text.gz');
      record(
        'native.gzip1',
        await repeat(repeats, async () => {
          rmSync(gz, { force: true });
          const run = await timedCommand('sh', ['-c', 'gzip -1 -c "$1" > "$2"', 'sh', data.text, gz]);
          return { seconds: run.seconds, bytes: textBytes, extra: { ratio: size(gz) / textBytes } };
        }),
      );
      rmSync(gz, { force: true });
    } else skipped.push('native gzip (not installed)');
    if (have('argon2')) {
      for (const preset of want('argon2.strong') ? (['default', 'strong'] as const) : (['default'] as const)) {
        const { memoryKiB, iterations, parallelism } = KDF_PRESETS[preset];
        record(
          `native.argon2.${preset}`,
          await repeat(
            repeats,
            async () =>
              timedCommand(
                'argon2',
                [
                  'saltsaltsaltsalt',
                  '-id',
                  '-t',
                  String(iterations),
                  '-k',
                  String(memoryKiB),
                  '-p',
                  String(parallelism),
                  '-r',
                ],
                { stdin: 'correct horse battery staple' },
              ),
            'ms',
          ),
        );
      }
    } else skipped.push('native argon2 (the argon2 package is not installed)');
  };

  if (want('cli.io')) await cliIo();
  if (want('cli.tree')) await cliTree();
  if (want('cli.many')) await cliMany();
  if (want('salvage')) {
    // Issue 18: 1,000 files and 1 GiB in a full run (the random input's size), 100 files in a quick one.
    const bytes = size(data.random);
    await runSalvage(work, { files: bytes >= 2 ** 30 ? 1000 : 100, bytes }, repeats, log, record);
    // Issue 28: the memory that --parity adds, on the largest input (4 GiB in a full run).
    await runParityMemory(data.big ?? data.random, work, log, record);
  }
  if (want('native')) await native();
  if (want('whatsapp')) {
    const missing = await benchWhatsAppChats(out, whatsappMessages, repeats, record, log);
    if (missing) skipped.push(missing);
  }
  if (want('node')) {
    log('Node: in-process ceilings');
    await nodeCeilings(data, repeats, record, want);
  }
  return { figures, skipped };
}

async function nodeCeilings(
  data: BenchData,
  repeats: number,
  record: (name: string, value: Figure) => void,
  want: (group: string) => boolean,
): Promise<void> {
  const subtle = webcrypto.subtle;
  const head = (path: string, limit: number) => {
    const bytes = new Uint8Array(Math.min(limit, statSync(path).size));
    const fd = openSync(path, 'r');
    try {
      readSync(fd, bytes, 0, bytes.length, 0);
    } finally {
      closeSync(fd);
    }
    return bytes;
  };
  const random = head(data.random, 256 * 2 ** 20);
  const key = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < random.length; offset += 2 ** 18)
    chunks.push(random.subarray(offset, offset + 2 ** 18));
  const iv = (i: number) => {
    const bytes = new Uint8Array(12);
    new DataView(bytes.buffer).setUint32(8, i);
    return bytes;
  };
  for (const inFlight of [1, 4]) {
    const sealed: ArrayBuffer[] = [];
    record(
      `node.aesgcm.encrypt${inFlight}`,
      await repeat(repeats, async () => {
        const start = performance.now();
        for (let i = 0; i < chunks.length; i += inFlight) {
          const batch = await Promise.all(
            chunks.slice(i, i + inFlight).map((c, j) => subtle.encrypt({ name: 'AES-GCM', iv: iv(i + j) }, key, c)),
          );
          batch.forEach((ct, j) => {
            sealed[i + j] = ct;
          });
        }
        return { seconds: (performance.now() - start) / 1000, bytes: random.length };
      }),
    );
    record(
      `node.aesgcm.decrypt${inFlight}`,
      await repeat(repeats, async () => {
        const start = performance.now();
        for (let i = 0; i < sealed.length; i += inFlight) {
          await Promise.all(
            sealed.slice(i, i + inFlight).map((c, j) => subtle.decrypt({ name: 'AES-GCM', iv: iv(i + j) }, key, c)),
          );
        }
        return { seconds: (performance.now() - start) / 1000, bytes: random.length };
      }),
    );
  }

  // The engine the CLI actually uses for payload chunks (src/cli/aes-gcm.ts): OpenSSL, no thread pool.
  const cipher = nodeAesGcm(new Uint8Array(32).fill(7));
  // Each sealed chunk is dropped once made, as the CLI does once it is written: keeping 256 MiB
  // alive would measure fresh memory being faulted in rather than the cipher.
  record(
    'node.openssl.encrypt',
    await repeat(repeats, async () => {
      const start = performance.now();
      let sealedBytes = 0;
      chunks.forEach((c, i) => {
        for (const part of cipher.seal(iv(i), c)) sealedBytes += part.length;
      });
      if (sealedBytes !== random.length + 16 * chunks.length) throw new Error('node:crypto sealed the wrong length');
      return { seconds: (performance.now() - start) / 1000, bytes: random.length };
    }),
  );
  // Made outside the timing, each chunk in one piece, as the CLI's reader gets them from disk.
  const joined = chunks.map((c, i) => Buffer.concat(cipher.seal(iv(i), c)));
  record(
    'node.openssl.decrypt',
    await repeat(repeats, async () => {
      const start = performance.now();
      joined.forEach((c, i) => {
        if (!cipher.open(iv(i), c)) throw new Error('node:crypto refused its own chunk');
      });
      return { seconds: (performance.now() - start) / 1000, bytes: random.length };
    }),
  );

  const text = head(data.text, 64 * 2 ** 20);
  const segments: Uint8Array[] = [];
  for (let offset = 0; offset < text.length; offset += 2 ** 20) segments.push(text.subarray(offset, offset + 2 ** 20));
  // Levels 1 and 2 side by side: the level the pools use is chosen from these rows.
  const deflaters: [string, (s: Uint8Array) => Uint8Array][] = [];
  for (const level of [1, 2] as const) {
    deflaters.push([`fflate.deflate${level}`, (s) => deflateSync(s, { level })]);
    deflaters.push([`zlib.deflate${level}`, (s) => deflateRawSync(s, { level, strategy: zlib.Z_DEFAULT_STRATEGY })]);
  }
  for (const [name, deflate] of deflaters) {
    let deflated: Uint8Array[] = [];
    record(
      `node.${name}`,
      await repeat(repeats, async () => {
        const start = performance.now();
        deflated = segments.map(deflate);
        const stored = deflated.reduce((sum, d) => sum + d.length, 0);
        return {
          seconds: (performance.now() - start) / 1000,
          bytes: text.length,
          extra: { ratio: stored / text.length },
        };
      }),
    );
    if (!name.endsWith('1')) continue;
    const library = name.split('.')[0];
    record(
      `node.${library}.inflate`,
      await repeat(repeats, async () => {
        const start = performance.now();
        for (const d of deflated) (library === 'fflate' ? inflateSync : inflateRawSync)(d);
        return { seconds: (performance.now() - start) / 1000, bytes: text.length };
      }),
    );
  }

  await zstdCodecRows(segments, repeats, record);

  for (const preset of (want('argon2.strong') ? ['default', 'strong'] : ['default']) as KdfPreset[]) {
    record(
      `node.argon2.${preset}`,
      await repeat(
        repeats,
        async () => {
          const start = performance.now();
          await deriveArgon2id(
            new TextEncoder().encode('correct horse battery staple'),
            new Uint8Array(16),
            KDF_PRESETS[preset],
          );
          return { seconds: (performance.now() - start) / 1000 };
        },
        'ms',
      ),
    );
  }
}
