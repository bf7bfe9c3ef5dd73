/** The benchmark's targets: each figure set against what the issues ask of it, met or not. */
import type { Figure } from './lib.ts';
import { appDownloadTargets, appRekeyAtCopySpeed } from './report-app.ts';
import { browserTreeTargets } from './report-tree.ts';
import { memoryTarget, ratioTarget, type Target } from './target.ts';

type Figures = Record<string, Figure>;

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
  out.push(...appDownloadTargets(f, 'chromium'), appRekeyAtCopySpeed(f), ...appDownloadTargets(f, 'firefox'));
  // Issue 30: a restore as .zip past 4 GiB, read by tools nobody here wrote (bench/zip64.ts).
  const zip64 = f['zip64.write']?.extra;
  const checkers = zip64?.checkedBy7z ? 'unzip -t, Python zipfile and 7z t' : 'unzip -t and Python zipfile';
  out.push({
    name: `Restore as one .zip past 4 GiB and 65,535 entries (Zip64): ${checkers} accept it`,
    measured: zip64
      ? `${zip64.zipGiB.toFixed(2)} GiB, ${(zip64.entries ?? 0).toLocaleString('en-US')} entries, accepted`
      : '-',
    required: '> 4 GiB, > 65,535 entries, accepted',
    met: zip64 ? zip64.zipGiB > 4 && (zip64.entries ?? 0) > 65_535 : null,
  });
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
    // Issue 33's target (issue 18, which asked 1.15x, ended with it unmet and handed it on).
    required: '<= 1.3x',
    met: cost === undefined ? null : cost <= 1.3,
    value: cost,
  });
  const parityMemory = f['parity.memory.cli']?.extra;
  out.push(
    memoryTarget(
      `create --parity 10 of ${parityMemory?.inputMiB?.toFixed(0) ?? '-'} MiB: peak memory it adds (CLI)`,
      parityMemory?.growthMiB,
    ),
  );
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
  out.push(rekeyAtCopySpeed(f));
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
    const bytes = f['browser.big.create']?.extra?.bytes;
    out.push(
      memoryTarget(
        `Chromium ${bytes ? `${(bytes / 2 ** 30).toFixed(0)} GiB ` : ''}${what}: renderer memory growth`,
        f[key]?.extra?.rendererGrowthMiB,
      ),
    );
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

/**
 * Issue 33: a passphrase change costs a copy and the new passphrase's Argon2id: rekey's time over
 * cp && sync's plus one Argon2id run (default preset), at most 1.2.
 */
function rekeyAtCopySpeed(f: Figures): Target {
  const bytes = f['cli.rekey.passphrase']?.extra?.bytes;
  const rekey = f['cli.rekey.passphrase']?.median;
  const copy = f['native.cpSync.backup']?.median;
  const argonFigure = f['node.argon2.default'];
  const argon2 = argonFigure && argonFigure.median / (argonFigure.unit === 'ms' ? 1000 : 1);
  const known = bytes !== undefined && rekey !== undefined && copy !== undefined && argon2 !== undefined;
  const rekeySeconds = known ? bytes / (rekey * 1e6) : undefined;
  const budget = known ? bytes / (copy * 1e6) + argon2 : undefined;
  const value = rekeySeconds !== undefined && budget !== undefined ? rekeySeconds / budget : undefined;
  return {
    name: "CLI rekey / (cp && sync + the new passphrase's Argon2id) (wall time)",
    measured:
      value === undefined ? '-' : `${value.toFixed(2)}x (${rekeySeconds?.toFixed(2)} / ${budget?.toFixed(2)} s)`,
    required: '<= 1.2x',
    met: value === undefined ? null : value <= 1.2,
    value,
  };
}

/** Wall time of ours over the pipeline's, measured in the same run, against `limit`. */
function versusPipeline(f: Figures, rows: [string, string, string][], limit: number): Target[] {
  return rows.map(([name, ours, theirs]) => {
    const x = f[ours]?.median;
    const y = f[theirs]?.median;
    const value = x !== undefined && y !== undefined ? x / y : undefined;
    return {
      name,
      measured: value === undefined ? '-' : `${value.toFixed(2)}x (${x?.toFixed(2)} / ${y?.toFixed(2)} s)`,
      required: `<= ${limit.toFixed(1)}x`,
      met: value === undefined ? null : value <= limit,
      value,
    };
  });
}

/** Our output's size over the pipeline's. */
function sizeVersusPipeline(f: Figures, name: string, ours: string, theirs: string): Target {
  const x = f[ours]?.extra?.ratio;
  const y = f[theirs]?.extra?.ratio;
  return {
    name,
    measured: x === undefined || y === undefined ? '-' : `${(x / y).toFixed(3)}`,
    required: '<= 1.0',
    met: x === undefined || y === undefined ? null : x <= y,
    value: x === undefined || y === undefined ? undefined : x / y,
  };
}

/**
 * Issue 33: people's folders against the tar pipeline, in the same run: the lognormal tree and
 * the real /usr/share/doc.
 */
function lognormalTargets(f: Figures): Target[] {
  return (
    [
      ['lognormal', 'the lognormal tree'],
      ['sharedoc', '/usr/share/doc'],
    ] as const
  ).flatMap(([key, what]) => [
    ...versusPipeline(
      f,
      [
        [`CLI create of ${what} / tar | gzip -1 | age (wall time)`, `cli.${key}.create`, `native.${key}.create`],
        [
          `CLI restore of ${what} / age -d | gzip -d | tar -x (wall time)`,
          `cli.${key}.restore`,
          `native.${key}.restore`,
        ],
      ],
      1.5,
    ),
    sizeVersusPipeline(
      f,
      `CLI create of ${what}: output size / tar | gzip -1 | age`,
      `cli.${key}.create`,
      `native.${key}.create`,
    ),
  ]);
}

/** Issue 15: the CLI on the 10,000-file tree against tar | gzip -1 | age, measured in the same run. */
function treeTargets(f: Figures): Target[] {
  const out: Target[] = versusPipeline(
    f,
    [
      ['CLI create of the tree / tar | gzip -1 | age (wall time)', 'cli.tree.create', 'native.tree.create'],
      ['CLI restore of the tree / age -d | gzip -d | tar -x (wall time)', 'cli.tree.restoreAll', 'native.tree.restore'],
    ],
    1,
  );
  out.push(
    sizeVersusPipeline(
      f,
      'CLI create of the tree: output size / tar | gzip -1 | age',
      'cli.tree.create',
      'native.tree.create',
    ),
  );
  out.push(...lognormalTargets(f));
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
