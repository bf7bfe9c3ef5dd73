import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One scratch folder per run, removed at the end: the tests write gigabytes of inputs and
 * downloads, and a developer's disk should not fill up run after run. Workers inherit the
 * variable set here.
 */
export default function globalSetup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'coffer-e2e-run-'));
  process.env.COFFER_E2E_SCRATCH = root;
  return () => rmSync(root, { recursive: true, force: true });
}
