#!/usr/bin/env node
// `npm start`: build the app if needed and serve it on localhost. Until a web app exists,
// print the command-line tool's help instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (command, args) => spawnSync(command, args, { stdio: 'inherit' }).status ?? 1;

if (!existsSync('index.html')) {
  console.log('The browser app is not built yet; here is the command-line tool:\n');
  process.exit(run('npx', ['tsx', 'src/cli/main.ts', '--help']));
}
if (run('npx', ['vite', 'build']) !== 0) process.exit(1);
process.exit(run('node', ['scripts/serve.mjs', ...process.argv.slice(2)]));
