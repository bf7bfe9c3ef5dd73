/**
 * `npm run bench [-- --quick] [-- --skip-browser] [-- --skip-node]`: Coffer against the machine's
 * ceilings and against the tools people use, measured side by side in one run, on the same
 * inputs. Prints one table and writes bench/results/<date>-<env>.json (quick runs write theirs
 * to the temporary folder instead, and fail unless every figure is present, finite and positive).
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runAppPath } from './app-path.ts';
import { runBrowser } from './browser.ts';
import { prepareData } from './data.ts';
import { type Figure, GiB, MiB } from './lib.ts';
import { runNode } from './node.ts';
import { renderReport } from './report.ts';
import { targets } from './report-targets.ts';
import type { Target } from './target.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'skip-browser': { type: 'boolean', default: false },
    'skip-node': { type: 'boolean', default: false },
    repeats: { type: 'string' },
    out: { type: 'string' },
    /** Only these groups (comma-separated prefixes): cli.io, cli.tree, cli.lognormal, cli.sharedoc (/usr/share/doc), cli.many (100,000 files), salvage, native, zip64, whatsapp, node, browser.io, browser.tree (browser.tree.coffer, browser.tree.io), browser.path, browser.big, browser.ref, browser.peers, browser.app (the built app through its UI: browser.app.chromium, browser.app.firefox). */
    only: { type: 'string' },
    /** The number of files in the tree (default 200 quick, 10,000 full); 100000 for the scale run. */
    'tree-files': { type: 'string' },
  },
});
const quick = values.quick;
const repeats = Number(values.repeats ?? (quick ? 1 : 3));
const ROOT = resolve(import.meta.dirname, '..');
const only = values.only?.split(',').filter(Boolean);
/** The strong Argon2id preset (seconds per run, three environments) is left to full runs. */
const named = (group: string) => only?.some((prefix) => group.startsWith(prefix)) ?? false;
const want = (group: string) =>
  group === 'argon2.strong'
    ? !quick
    : (group === 'cli.many' || group === 'cli.sharedoc') && quick
      ? // 100,000 files, and the real /usr/share/doc (144 MB): full runs, or quick ones that name them in --only
        named(group)
      : !only || named(group);
const clock = performance.now();
const log = (line: string) =>
  process.stderr.write(`[${((performance.now() - clock) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);

const sizes = quick
  ? { random: 16 * MiB, text: 8 * MiB, treeFiles: 200 }
  : { random: GiB, text: GiB, treeFiles: 10_000, big: 4 * GiB };
if (values['tree-files']) sizes.treeFiles = Number(values['tree-files']);

const started = new Date();
const loadBefore = loadavg()[0];
const phaseStart = performance.now();
const cache = join(tmpdir(), 'coffer-bench-data');
const data = prepareData(cache, sizes, log);
const work = mkdtempSync(join(tmpdir(), 'coffer-bench-'));
const figures: Record<string, Figure> = {};
const skipped: string[] = [];
let browserVersion = '';
try {
  if (!values['skip-node']) {
    const node = await runNode(data, work, repeats, log, want, quick ? 20_000 : 200_000);
    Object.assign(figures, node.figures);
    skipped.push(...node.skipped);
  } else skipped.push('Node (--skip-node)');
  if (!values['skip-browser']) {
    const browser = await runBrowser(data, work, repeats, log, want);
    Object.assign(figures, browser.figures);
    skipped.push(...browser.skipped);
    browserVersion = browser.version;
    const engines = (['chromium', 'firefox'] as const).filter((engine) => want(`browser.app.${engine}`));
    if (engines.length > 0) {
      const record = (name: string, value: Figure) => {
        figures[name] = value;
        log(`  ${name}: ${value.median.toFixed(value.unit === 'MB/s' ? 0 : 3)} ${value.unit}`);
      };
      await runAppPath({ data, work, repeats, log, record, skipped, engines: [...engines] });
    }
  } else skipped.push('Chromium (--skip-browser)');
} finally {
  rmSync(work, { recursive: true, force: true });
}

const env = `${platform()}-${arch()}-${cpus().length}cpu`;
const checked: Target[] = targets(figures);
const result = {
  date: started.toISOString(),
  env,
  mode: quick ? 'quick' : 'full',
  repeats,
  machine: {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / GiB),
    node: process.version,
    /** One-minute load averages before and after: other work on the machine skews every figure. */
    loadBefore,
    loadAfter: loadavg()[0],
    seconds: (performance.now() - phaseStart) / 1000,
    chromium: browserVersion,
  },
  inputs: {
    random: sizes.random,
    text: sizes.text,
    treeFiles: data.treeFiles,
    treeBytes: data.treeBytes,
    big: sizes.big ?? 0,
  },
  skipped,
  figures,
  targets: checked,
};
const table = renderReport(result);
process.stdout.write(`${table}\n`);

const name = `${started.toISOString().slice(0, 10)}-${env}${quick ? '-quick' : ''}.json`;
const outPath = values.out ?? (quick ? join(tmpdir(), name) : join(ROOT, 'bench/results', name));
mkdirSync(resolve(outPath, '..'), { recursive: true });
writeFileSync(outPath, `${JSON.stringify(result, null, 2)}\n`);
log(`results written to ${outPath}`);

// Sanity, not speed: every figure must be a real, finite, positive measurement.
const insane = Object.entries(figures).filter(
  ([, f]) => f.samples.length === 0 || !f.samples.every((v) => Number.isFinite(v) && v > 0),
);
if (quick) log('quick run: the strong Argon2id preset is measured in full runs only');
if (insane.length > 0 || Object.keys(figures).length === 0) {
  log(`bench: figures missing or not finite and positive: ${insane.map(([k]) => k).join(', ') || 'none measured'}`);
  process.exit(1);
}
