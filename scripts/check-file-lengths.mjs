#!/usr/bin/env node
/**
 * No source file over 400 lines (issue 29): a file that long is doing more than one job. It
 * looks at the code and styles under src/, bench/, spec/gen/, scripts/, e2e/ and bin/; the test
 * files under test/ are lists of cases and are left out. The import graph (no circles, no layer
 * crossed) is checked by Biome's noImportCycles and noRestrictedImports rules in `npm run lint`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const LIMIT = 400;
const ROOTS = ['src', 'bench', 'spec/gen', 'scripts', 'e2e', 'bin'];
const CODE = /\.(ts|tsx|mjs|js|css)$/;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'results') yield* files(path);
    } else if (CODE.test(entry.name)) yield path;
  }
}

const long = [];
for (const root of ROOTS) {
  for (const path of files(root)) {
    const lines = readFileSync(path, 'utf8').split('\n').length - 1;
    if (lines > LIMIT) long.push(`${path}: ${lines} lines`);
  }
}
if (long.length > 0) {
  console.error(`Over ${LIMIT} lines; split these by job:\n  ${long.join('\n  ')}`);
  process.exit(1);
}
console.log(`No source file is over ${LIMIT} lines.`);
