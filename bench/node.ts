/**
 * The Node half of the benchmark: the `coffer` command exactly as a person runs it (a new process,
 * start-up and key derivation included, a real output file), the native tools on the same files,
 * and in-process ceilings (WebCrypto, DEFLATE, Argon2id) for the core's environment.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchData } from './data.ts';
import { type Figure, timedCommand } from './lib.ts';
import { nodeCeilings } from './node-ceilings.ts';
import { cliIo, cliLognormal, cliMany, cliShareDoc, cliTree } from './node-cli.ts';
import { COFFER, type NodeBench, size } from './node-context.ts';
import { native } from './node-native.ts';
import { runParityMemory } from './parity-memory.ts';
import { runSalvage } from './salvage.ts';
import { benchWhatsAppChats } from './whatsapp-chats.ts';
import { runZip64 } from './zip64.ts';

export interface NodeResults {
  figures: Record<string, Figure>;
  skipped: string[];
}

export async function runNode(
  data: BenchData,
  work: string,
  repeats: number,
  log: (line: string) => void,
  want: (group: string) => boolean = () => true,
  whatsappMessages = 200_000,
): Promise<NodeResults> {
  const figures: Record<string, Figure> = {};
  const skipped: string[] = [];
  const out = join(work, 'node');
  mkdirSync(out, { recursive: true });
  const record = (name: string, value: Figure) => {
    figures[name] = value;
    const extra = value.extra ? ` ${JSON.stringify(value.extra)}` : '';
    log(`  ${name}: ${value.median.toFixed(value.unit === 'MB/s' ? 0 : 3)} ${value.unit}${extra}`);
  };

  const keyFile = join(out, 'recovery.key');
  rmSync(keyFile, { force: true });
  execFileSync(process.execPath, [...COFFER, 'keygen', '-o', keyFile], { stdio: 'ignore' });
  const unlock = ['--recovery-key-file', keyFile];
  const coffer = (args: string[]) => timedCommand(process.execPath, [...COFFER, ...args]);
  const bench: NodeBench = { data, out, repeats, log, record, coffer, unlock, skipped };

  if (want('cli.io')) await cliIo(bench);
  if (want('cli.tree')) await cliTree(bench);
  if (want('cli.lognormal')) await cliLognormal(bench);
  if (want('cli.sharedoc')) await cliShareDoc(bench);
  if (want('cli.many')) await cliMany(bench);
  if (want('salvage')) {
    // Issue 18: 1,000 files and 1 GiB in a full run (the random input's size), 100 files in a quick one.
    const bytes = size(data.random);
    await runSalvage(work, { files: bytes >= 2 ** 30 ? 1000 : 100, bytes }, repeats, log, record);
    // Issue 28: the memory that --parity adds, on the largest input (4 GiB in a full run).
    await runParityMemory(data.big ?? data.random, work, log, record);
  }
  if (want('native')) await native(bench, want);
  if (want('zip64')) {
    // Past 4 GiB in a full run; a quick run forces the Zip64 records on 64 MiB.
    const bytes = data.big ? size(data.big) + 2 ** 20 : 64 * 2 ** 20;
    await runZip64(out, bytes, !data.big, log, record, skipped);
  }
  if (want('whatsapp')) {
    const missing = await benchWhatsAppChats(out, whatsappMessages, repeats, record, log);
    if (missing) skipped.push(missing);
  }
  if (want('node')) {
    log('Node: in-process ceilings');
    await nodeCeilings(data, repeats, record, want);
  }
  return { figures, skipped };
}
