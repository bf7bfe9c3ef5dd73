#!/usr/bin/env node
// The `coffer` command. It runs the bundle that scripts/build-cli.mjs makes while that bundle is
// newer than every source file it was built from; otherwise (sources edited since, never
// built, or COFFER_CLI_FROM_SOURCE=1) it runs src/cli/main.ts through tsx, with no build step,
// starting a little slower.
import { bundleIsFresh, bundlePath } from './bundle.mjs';

const useBundle = process.env.COFFER_CLI_FROM_SOURCE !== '1' && bundleIsFresh();
// For the tests, which check that both ways run and agree.
if (process.env.COFFER_SHOW_LAUNCH === '1') {
  process.stderr.write(`coffer: running ${useBundle ? 'the bundle' : 'the sources'}\n`);
}
if (useBundle) {
  const { runCli } = await import(bundlePath);
  await runCli();
} else {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: false });
  const { runCli } = await import('../src/cli/main.ts');
  await runCli();
}
