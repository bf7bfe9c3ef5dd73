/**
 * Issue 28, item 4: repair data must not make the writer's memory grow with the backup. The CLI
 * creates the largest input (4 GiB in a full run, the random input in a quick one) with and
 * without --parity 10, and the peak resident memory of each is compared: the growth that the
 * parity adds must stay within 300 MiB whatever the size.
 */

import { rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Figure, figure, timedCommand } from './lib.ts';

const ROOT = resolve(import.meta.dirname, '..');
const MiB = 2 ** 20;

export async function runParityMemory(
  input: string,
  work: string,
  log: (line: string) => void,
  record: (name: string, value: Figure) => void,
): Promise<void> {
  const inputMiB = statSync(input).size / MiB;
  log(`Node: peak memory of create with and without --parity 10, ${inputMiB.toFixed(0)} MiB`);
  const coffer = (args: string[]) => timedCommand(process.execPath, [join(ROOT, 'bin/coffer.mjs'), ...args]);
  const key = join(work, 'parity-memory.key');
  rmSync(key, { force: true });
  await coffer(['keygen', '-q', '-o', key]);
  const out = join(work, 'parity-memory.coffer');
  const create = async (extra: string[]) => {
    rmSync(out, { force: true });
    const result = await coffer([
      'create',
      '-q',
      '--no-compress',
      ...extra,
      '--recovery-key-file',
      key,
      '-o',
      out,
      input,
    ]);
    rmSync(out, { force: true });
    return result;
  };
  const plain = await create([]);
  const parity = await create(['--parity', '10']);
  record(
    'parity.memory.cli',
    figure('MiB', [parity.peakRss / MiB], {
      inputMiB,
      plainPeakMiB: plain.peakRss / MiB,
      growthMiB: (parity.peakRss - plain.peakRss) / MiB,
      seconds: parity.seconds,
    }),
  );
}
