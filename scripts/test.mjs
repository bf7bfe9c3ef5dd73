#!/usr/bin/env node
// `npm test`: every check CI runs, in order, ending with one "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(label, command, args, env = {}) {
  console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = result.status === 0;
  if (!ok) failures.push(label);
  return ok;
}

function step(label, command, args) {
  if (run(label, command, args)) totals.passed++;
  else totals.failed++;
}

// One tsconfig per environment keeps DOM out of the core and worker, and Node out of all three.
for (const project of ['core', 'worker', 'sw', 'web', 'opener', 'node']) {
  step(`type-check (${project})`, 'npx', ['tsc', '-p', `tsconfig.${project}.json`]);
}
step('lint and format, import circles and layers', 'npx', ['biome', 'check', '.']);
step('no source file over 400 lines', process.execPath, ['scripts/check-file-lengths.mjs']);
if (existsSync('spec/gen/generate.ts'))
  step('vectors are reproducible', 'npx', ['tsx', 'spec/gen/generate.ts', '--check']);

// The CLI tests run bin/coffer.mjs, which uses this bundle while it is fresh.
step('bundle the command-line tool', 'npm', ['run', '--silent', 'build:cli']);

const out = mkdtempSync(join(tmpdir(), 'coffer-test-'));
const unitReport = join(out, 'vitest.json');
run('unit, vector, property and CLI tests', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${unitReport}`,
]);
countVitest(unitReport);

// The benchmark's quick mode, so it cannot rot: it checks only that every figure was measured
// and is finite and positive, never how fast anything was.
step('benchmark runs (npm run bench -- --quick)', 'npm', ['run', '--silent', 'bench', '--', '--quick']);

const e2eTests = existsSync('e2e') && readdirSync('e2e').some((name) => name.endsWith('.spec.ts'));
if (e2eTests) {
  const e2eReport = join(out, 'playwright.json');
  if (run('build', 'npm', ['run', 'build'])) {
    const ok = run('browser tests (Playwright, built app)', 'npx', ['playwright', 'test'], {
      PLAYWRIGHT_JSON_OUTPUT_NAME: e2eReport,
    });
    countPlaywright(e2eReport, ok);
    // WebKit: Playwright cannot drive Debian's WebKit, so a WebDriver smoke run covers it.
    const webkitReport = join(out, 'webkit.json');
    run('WebKit smoke run (WebKitWebDriver + MiniBrowser, built app)', process.execPath, [
      'e2e/webkit/smoke.mjs',
      '--json',
      webkitReport,
      // CI installs Xvfb and the driver, so there a missing one is a failure, not a skip.
      ...(process.env.CI || process.env.COFFER_WEBKIT_REQUIRED ? ['--require'] : []),
    ]);
    countWebKit(webkitReport);
    step('support matrix (docs/support-matrix.md, from these results)', process.execPath, [
      'scripts/support-matrix.mjs',
      '--playwright',
      e2eReport,
      '--webkit',
      webkitReport,
      '--out',
      'docs/support-matrix.md',
    ]);
  } else {
    totals.failed++;
  }
}

function countWebKit(path) {
  if (!existsSync(path)) return void totals.failed++;
  for (const { status } of JSON.parse(readFileSync(path, 'utf8')).results) {
    if (status === 'passed') totals.passed++;
    else if (status === 'failed') totals.failed++;
    else totals.skipped++;
  }
}

function countVitest(path) {
  if (!existsSync(path)) return void totals.failed++;
  const report = JSON.parse(readFileSync(path, 'utf8'));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests + (report.numFailedTestSuites ?? 0);
  totals.skipped += report.numPendingTests + report.numTodoTests;
}

/** A run that failed without failing any test (the server did not start, say) still counts. */
function countPlaywright(path, ok) {
  const stats = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')).stats : undefined;
  totals.passed += stats ? stats.expected + stats.flaky : 0;
  totals.failed += stats?.unexpected || (ok ? 0 : 1);
  totals.skipped += stats?.skipped ?? 0;
}

if (failures.length > 0) console.log(`\nFailed steps: ${failures.join(', ')}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failures.length > 0 || totals.failed > 0 ? 1 : 0);
