/**
 * Run by reed-solomon.test.ts in a Node that has relaxed SIMD (Node 20 only behind a flag): the
 * kernel's relaxed build against the package coder, encoding and rebuilding. Prints JSON.
 */
import { packageCoder } from '../../src/cli/erasure.ts';
import { kernelCoder } from '../../src/core/reed-solomon.ts';
import { dataStripe } from './helpers.ts';

const relaxed = kernelCoder('relaxed');
const failures: string[] = [];
// 4 + 1 outputs, singles only, groups of four and a rest, and rebuilds of data and parity.
const shapes: [number, number, number][] = [
  [50, 5, 4112],
  [7, 3, 8192 * 2 + 16 + 5],
  [200, 56, 64],
  [10, 9, 33],
];
for (const [k, m, size] of relaxed ? shapes : []) {
  const ours = dataStripe(k, m, size, k * 131 + m);
  const theirs = ours.slice();
  relaxed?.encode(ours, k, m);
  packageCoder().encode(theirs, k, m);
  if (!Buffer.from(ours).equals(Buffer.from(theirs))) failures.push(`encode ${k} + ${m}`);
  // The first m shards lost (data, so a decode matrix), then rebuilt.
  const available = Array.from({ length: k + m }, (_, i) => i >= m);
  const damaged = theirs.slice();
  damaged.fill(0x5a, 0, m * size);
  relaxed?.reconstruct(damaged, k, m, available);
  if (!Buffer.from(damaged).equals(Buffer.from(theirs))) failures.push(`rebuild ${k} + ${m}`);
}
process.stdout.write(JSON.stringify({ loaded: relaxed !== undefined, failures }));
