#!/usr/bin/env node
// The `coffer` command. It runs the bundle that scripts/build-cli.mjs makes while that bundle is
// newer than every source file it was built from; otherwise (sources edited since, or never
// built, or COFFER_CLI_FROM_SOURCE=1) it runs src/cli/main.ts through tsx, with no build step,
// starting a little slower.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}build/cli/coffer.mjs`;

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  if (!existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  const sources = Math.max(
    newestSource(`${root}src/cli`),
    newestSource(`${root}src/core`),
    statSync(`${root}package-lock.json`).mtimeMs,
  );
  return built > sources;
}

const useBundle = process.env.COFFER_CLI_FROM_SOURCE !== '1' && bundleIsFresh();
// For the tests, which check that both ways run and agree.
if (process.env.COFFER_SHOW_LAUNCH === '1')
  process.stderr.write(`coffer: running ${useBundle ? 'the bundle' : 'the sources'}\n`);
if (useBundle) {
  const { runCli } = await import(bundle);
  await runCli();
} else {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: false });
  const { runCli } = await import('../src/cli/main.ts');
  await runCli();
}
