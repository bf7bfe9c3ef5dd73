/** `coffer inspect IN.coffer [--json]`: header facts; no key needed, nothing decrypted. */
import { describeHeader, type HeaderDescription } from '../../core/index.ts';
import { readRecovery } from '../../core/recovery-read.ts';
import { flag, parseCommand, singleInput } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { COMMAND_HELP } from '../help.ts';
import { humanSize, plural } from '../ui.ts';
import { withLocationHeader } from './common.ts';

export async function runInspect(argv: string[]): Promise<number> {
  const parsed = parseCommand('inspect', argv);
  if (flag(parsed, 'help')) {
    process.stdout.write(`${COMMAND_HELP.inspect}\n`);
    return EXIT.ok;
  }
  const input = singleInput(parsed, 'inspect');
  const description = await withLocationHeader(input, 'inspect', async (source, header) => {
    // No key needed: the footer of a version 3 file is not encrypted (spec 11.1).
    const recovery = header.version === 3 ? await readRecovery(source).catch(() => null) : undefined;
    return describeHeader(header, source.size, recovery);
  });
  if (flag(parsed, 'json')) {
    process.stdout.write(`${JSON.stringify(description, null, 2)}\n`);
    return EXIT.ok;
  }
  process.stdout.write(`${summary(input, description)}\n`);
  return EXIT.ok;
}

function slotLine(slot: HeaderDescription['slots'][number], index: number): string {
  if (slot.type === 'passphrase') {
    return `  ${index + 1}. passphrase (Argon2id: ${humanSize(slot.memoryKiB * 1024)} memory, ${plural(slot.iterations, 'pass', 'passes')}, parallelism ${slot.parallelism})`;
  }
  if (slot.type === 'recovery-key') return `  ${index + 1}. recovery key (HKDF-SHA-256)`;
  if (slot.type === 'passkey') return `  ${index + 1}. passkey (WebAuthn PRF; opens in the Coffer app in a browser)`;
  return `  ${index + 1}. unknown slot type ${slot.typeId} (from a newer Coffer; skipped)`;
}

function summary(input: string, d: HeaderDescription): string {
  return [
    `${input}: Coffer backup, format version ${d.version}`,
    `  file size       ${d.fileSize} bytes (${humanSize(d.fileSize)})`,
    `  header          ${d.headerLength} bytes; the payload starts at offset ${d.payloadOffset}`,
    `  chunks          ${d.chunkCount} of ${humanSize(d.chunkSize)} (${d.sealedChunkSize} bytes each when sealed)`,
    ...(d.recovery === undefined
      ? []
      : [
          d.recovery
            ? `  recovery        ${d.recovery.parityShards} parity chunks per ${d.recovery.dataShards} (${plural(d.recovery.stripes, 'stripe')}), and copies of the header and index`
            : '  recovery        the recovery footer is damaged (the last 64 bytes); this backup cannot be read',
        ]),
    `Key slots (any one opens the backup):`,
    ...d.slots.map(slotLine),
  ].join('\n');
}
