#!/usr/bin/env node
// The `coffer` command: runs src/cli/main.ts through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register({ tsconfig: false });
const { runCli } = await import('../src/cli/main.ts');
await runCli();
