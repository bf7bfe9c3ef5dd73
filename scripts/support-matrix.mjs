#!/usr/bin/env node
/**
 * Writes the support matrix (feature × engine) from what the tests actually ran: Playwright's
 * JSON report (Chromium, Firefox) and the WebKit smoke run's report. Nothing in the table is
 * typed by hand: the feature list below only says which tests show each feature; every cell comes
 * from the reports. `npm test` runs this after the browser tests.
 * Usage: node scripts/support-matrix.mjs --playwright FILE [--playwright FILE...] --webkit FILE --out FILE
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    // Several reports (say, one per project) are read as one run.
    playwright: { type: 'string', multiple: true, default: [] },
    webkit: { type: 'string' },
    out: { type: 'string', default: 'docs/support-matrix.md' },
  },
});

/** Each feature: the Playwright tests (spec file, title pattern) and WebKit smoke steps that show it. */
const FEATURES = [
  {
    name: 'Back up files with a passphrase (download)',
    tests: [
      ['app', /round-trips through the buttons|opens with either/],
      ['interop', /made in the app restores/],
    ],
    webkit: ['backup'],
  },
  { name: 'Back up a dropped folder (empty folders kept)', tests: [['app', /dropped folder|dropping files/]] },
  { name: 'Recovery key (new, existing, typo caught)', tests: [['app', /recovery key|recovery-key typo/]] },
  { name: 'Cancel leaves nothing', tests: [['app', /cancel stops/]] },
  { name: 'Check after writing', tests: [['app', /round-trips|opens with either/]], webkit: ['backup'] },
  {
    name: 'Wrong passphrase, not-a-backup, cut-short file: clear messages',
    tests: [
      ['app', /wrong passphrase|not a backup/],
      ['first-ten-minutes', /cut-short|not a backup|wrong passphrase/],
    ],
  },
  {
    name: 'Open a backup made by the command-line tool',
    tests: [['interop', /command-line tool restores/]],
    webkit: ['open'],
  },
  { name: 'Restore one file (download)', tests: [['app', /downloaded on its own/]], webkit: ['restore-file'] },
  { name: 'Verify a backup', tests: [['app', /verify reports/]], webkit: ['verify'] },
  {
    name: 'Restore all as a .zip',
    tests: [
      ['app', /round-trips/],
      ['interop', /command-line tool restores/],
    ],
    webkit: ['restore-zip'],
  },
  {
    name: 'Preview a file',
    tests: [
      ['app', /previews a text file/],
      ['restore-preview', /./],
    ],
  },
  { name: 'Compression on worker threads', tests: [['compression', /./]] },
  { name: 'Save to a picked file, restore into a picked folder', tests: [['pickers', /./]] },
  { name: 'Keep backups on this device (OPFS vault)', tests: [['vault', /./]] },
  { name: 'Without OPFS: memory fallback (1 GiB limit) and eviction wording', webkit: ['load', 'vault'], tests: [] },
  {
    name: 'Change how a backup unlocks (rekey, passkey)',
    tests: [
      ['rekey', /./],
      ['passkey', /./],
    ],
  },
  { name: 'WhatsApp backups', tests: [['whatsapp', /./]] },
  { name: 'Offline reload, CSP, no network requests', tests: [['pwa', /./]] },
  {
    name: 'No plaintext temp files left',
    tests: [
      ['temp-files', /./],
      ['restore-preview', /./],
    ],
  },
  {
    name: 'Accessibility (axe), phone width',
    tests: [
      ['a11y', /./],
      ['phone', /./],
    ],
  },
  { name: 'First ten minutes (issue 21)', tests: [['first-ten-minutes', /./]] },
  {
    name: '1 GiB backup and restore with flat memory',
    tests: [
      ['large', /./],
      ['whatsapp-large', /./],
    ],
  },
];

const ENGINES = ['chromium', 'firefox', 'webkit'];

/** Every Playwright test as { file, title, project, status, reason }. */
function playwrightTests(path) {
  if (!path || !existsSync(path)) return [];
  const tests = [];
  const walk = (suite, titles) => {
    for (const child of suite.suites ?? []) walk(child, child.file ? titles : [...titles, child.title]);
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests) {
        const skip = test.annotations?.find((annotation) => annotation.type === 'skip');
        tests.push({
          file: spec.file.replace(/^.*\//, '').replace(/\.spec\.ts$/, ''),
          title: [...titles, spec.title].join(' › '),
          project: test.projectName,
          status:
            test.status === 'expected' || test.status === 'flaky'
              ? 'passed'
              : test.status === 'skipped'
                ? 'skipped'
                : 'failed',
          reason: skip?.description,
        });
      }
    }
  };
  walk(JSON.parse(readFileSync(path, 'utf8')), []);
  return tests;
}

function webkitSteps(path) {
  if (!path || !existsSync(path)) return { browser: undefined, results: [] };
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** One cell: how many of the tests showing this feature passed in this engine, or why none ran. */
function cell(outcomes) {
  if (outcomes.length === 0) return 'not tested';
  const passed = outcomes.filter((o) => o.status === 'passed').length;
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  if (failed > 0) return `**failed** (${failed} of ${outcomes.length})`;
  if (passed === 0) {
    const reasons = [...new Set(outcomes.map((o) => o.reason ?? 'skipped'))];
    return `skipped: ${reasons.join('; ')}`;
  }
  const skipped = outcomes.length - passed;
  return skipped > 0 ? `passed (${passed} of ${outcomes.length}; ${skipped} skipped)` : `passed (${passed})`;
}

// Reports are read in order; a later result for the same test (a re-run) replaces an earlier one,
// as Playwright's own retries do.
const latest = new Map();
for (const test of values.playwright.flatMap((path) => playwrightTests(path))) {
  latest.set(`${test.project}\u0000${test.file}\u0000${test.title}`, test);
}
const tests = [...latest.values()];
const webkit = webkitSteps(values.webkit);
function projectCounts() {
  const counts = new Map();
  for (const test of tests) counts.set(test.project, (counts.get(test.project) ?? 0) + 1);
  return counts.size === 0 ? 'none' : [...counts].map(([project, n]) => `${n} ${project}`).join(', ');
}

const cellText = (text) => String(text).replaceAll('|', '\\|');

const lines = [
  '# Support matrix',
  '',
  'Generated by `scripts/support-matrix.mjs` from test reports (Playwright JSON for Chromium and',
  'Firefox, `e2e/webkit/smoke.mjs` for WebKit); `npm test` rewrites it from its own run. Do not edit',
  'by hand. "not tested" means no test for that feature ran in that engine in these reports.',
  '',
  `Run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Browser test results: ${projectCounts()}. WebKit: ${webkit.browser ?? 'not run'}.`,
  'Each cell counts the tests that show the feature in that engine; a skip gives the reason the test printed.',
  '',
  `| feature | ${ENGINES.join(' | ')} |`,
  `|---|${ENGINES.map(() => '---').join('|')}|`,
];
for (const feature of FEATURES) {
  const matches = (test) => feature.tests.some(([file, title]) => test.file === file && title.test(test.title));
  const cells = ENGINES.map((engine) => {
    if (engine === 'webkit') {
      return cell(webkit.results.filter((step) => feature.webkit?.includes(step.feature)));
    }
    return cell(tests.filter((test) => test.project === engine && matches(test)));
  });
  lines.push(`| ${cellText(feature.name)} | ${cells.map(cellText).join(' | ')} |`);
}

lines.push('', '## Every browser test', '', '| spec | test | chromium | firefox |', '|---|---|---|---|');
const byTitle = new Map();
for (const test of tests) {
  const key = `${test.file}\u0000${test.title}`;
  byTitle.set(key, { ...byTitle.get(key), file: test.file, title: test.title, [test.project]: test });
}
const show = (test) => (test ? (test.status === 'skipped' ? `skipped: ${test.reason ?? ''}` : test.status) : '—');
for (const row of byTitle.values()) {
  lines.push(
    `| ${row.file} | ${cellText(row.title)} | ${cellText(show(row.chromium))} | ${cellText(show(row.firefox))} |`,
  );
}

lines.push('', '## The WebKit smoke run', '', '| step | what it does | result |', '|---|---|---|');
for (const step of webkit.results) {
  const result =
    step.status === 'passed' ? `passed (${(step.ms / 1000).toFixed(1)} s)` : `${step.status}: ${step.reason}`;
  lines.push(`| ${step.feature} | ${cellText(step.title)} | ${cellText(result)} |`);
}
lines.push('');

mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, lines.join('\n'));
console.log(
  `support matrix: ${values.out} (${tests.length} browser test results, ${webkit.results.length} WebKit steps)`,
);
if (tests.length === 0 && webkit.results.length === 0) process.exitCode = 1;
