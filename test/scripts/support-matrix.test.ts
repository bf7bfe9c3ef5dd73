/** The support matrix is written from the reports, cell by cell (issue 14). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const spec = (title: string, tests: object[]) => ({ title, file: 'app.spec.ts', tests });

it('counts passes, failures and skips with their reasons per engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-matrix-'));
  const playwright = join(dir, 'playwright.json');
  const webkit = join(dir, 'webkit.json');
  const out = join(dir, 'matrix.md');
  writeFileSync(
    playwright,
    JSON.stringify({
      suites: [
        {
          title: 'app.spec.ts',
          file: 'app.spec.ts',
          specs: [
            spec('verify reports an intact backup', [
              { projectName: 'chromium', status: 'expected', annotations: [] },
              { projectName: 'firefox', status: 'unexpected', annotations: [] },
            ]),
            spec('cancel stops a backup at once', [
              { projectName: 'chromium', status: 'expected', annotations: [] },
              {
                projectName: 'firefox',
                status: 'skipped',
                annotations: [{ type: 'skip', description: 'no reason at all' }],
              },
            ]),
          ],
        },
      ],
    }),
  );
  writeFileSync(
    webkit,
    JSON.stringify({
      engine: 'webkit',
      browser: 'MiniBrowser 9.9',
      results: [{ feature: 'verify', title: 'Verify', status: 'passed', ms: 1200 }],
    }),
  );
  execFileSync(process.execPath, [
    'scripts/support-matrix.mjs',
    '--playwright',
    playwright,
    '--webkit',
    webkit,
    '--out',
    out,
  ]);
  const matrix = readFileSync(out, 'utf8');
  expect(matrix).toContain('| Verify a backup | passed (1) | **failed** (1 of 1) | passed (1) |');
  expect(matrix).toContain('| Cancel leaves nothing | passed (1) | skipped: no reason at all | not tested |');
  expect(matrix).toContain('| Compression on worker threads | not tested | not tested | not tested |');
  expect(matrix).toContain('WebKit: MiniBrowser 9.9.');
  expect(matrix).toContain('| app | cancel stops a backup at once | passed | skipped: no reason at all |');
});
