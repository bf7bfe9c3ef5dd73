/** bin/coffer.mjs runs the bundle when it is fresh and the sources otherwise; both must agree. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module beside the launcher, with no type declarations
import { bundleIsFresh } from '../../bin/bundle.mjs';
import { coffer, removeDir, tempDir, withPassphrase } from './helpers.ts';

const FROM_SOURCE = { COFFER_CLI_FROM_SOURCE: '1', COFFER_SHOW_LAUNCH: '1' };
const DEFAULT = { COFFER_SHOW_LAUNCH: '1' };

describe('the coffer launcher', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
    await writeFile(join(dir, 'note.txt'), 'hello from both launchers\n'.repeat(100));
  });
  afterAll(() => removeDir(dir));

  it('runs the sources through tsx when asked, with the same version', async () => {
    const sources = await coffer(['--version'], { env: FROM_SOURCE });
    expect(sources.stderr).toContain('running the sources');
    const usual = await coffer(['--version']);
    expect(sources.code).toBe(0);
    expect(sources.stdout).toBe(usual.stdout);
  });

  // npm test builds the bundle first (npm run build:cli); a bare vitest run after editing the
  // sources has only a stale one, which the launcher rightly ignores.
  it.skipIf(!bundleIsFresh())('uses a fresh bundle, and what one way writes the other reads', async () => {
    const backup = join(dir, 'both.coffer');
    const made = await coffer(['create', '-o', backup, join(dir, 'note.txt')], {
      env: { ...withPassphrase.env, ...FROM_SOURCE },
    });
    expect(made.code, made.stderr).toBe(0);
    const listed = await coffer(['list', '--json', backup], { env: { ...withPassphrase.env, ...DEFAULT } });
    expect(listed.stderr).toContain('running the bundle');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('note.txt');
  });
});
