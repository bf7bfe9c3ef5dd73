/** bin/coffer.mjs runs the bundle when it is fresh and the sources otherwise; both must agree. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coffer, ROOT, removeDir, tempDir, withPassphrase } from './helpers.ts';

const BUNDLE = join(ROOT, 'build/cli/coffer.mjs');
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

  // npm test builds the bundle first (npm run build:cli); a bare vitest run may not have one.
  it.skipIf(!existsSync(BUNDLE))('uses a fresh bundle, and what one way writes the other reads', async () => {
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
