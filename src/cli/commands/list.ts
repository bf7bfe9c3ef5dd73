/** `coffer list IN.coffer [unlock options] [--json]`: reads just the index. */
import { displayName } from '../../core/display-name.ts';
import { flag, parseCommand, singleInput } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { COMMAND_HELP } from '../help.ts';
import { createUi, humanSize, isoDate, localDate, plural } from '../ui.ts';
import { withOpenedBackup } from './common.ts';

export async function runList(argv: string[]): Promise<number> {
  const parsed = parseCommand('list', argv);
  if (flag(parsed, 'help')) {
    process.stdout.write(`${COMMAND_HELP.list}\n`);
    return EXIT.ok;
  }
  const input = singleInput(parsed, 'list');
  const ui = createUi(flag(parsed, 'quiet'));
  const entries = await withOpenedBackup(input, parsed, 'list', ui, async (backup) => backup.entries);
  if (flag(parsed, 'json')) {
    const rows = entries.map((entry) => ({
      path: entry.path,
      size: entry.size,
      mtime: isoDate(entry.mtime),
      type: entry.type,
    }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.ok;
  }
  const sizes = entries.map((entry) => (entry.type === 'dir' ? '-' : humanSize(entry.size)));
  // A loop, not Math.max(...sizes): spreading a million arguments overflows the stack.
  let width = 1;
  for (const size of sizes) if (size.length > width) width = size.length;
  const lines = entries.map(
    (entry, i) =>
      `${entry.type === 'dir' ? 'dir ' : 'file'}  ${sizes[i].padStart(width)}  ${localDate(entry.mtime)}  ${displayName(entry.path)}${entry.type === 'dir' ? '/' : ''}`,
  );
  let files = 0;
  let bytes = 0;
  for (const entry of entries) {
    if (entry.type === 'file') {
      files++;
      bytes += entry.size;
    }
  }
  const folders = entries.length - files;
  lines.push(
    `${plural(files, 'file')}, ${plural(folders, 'folder')}, ${humanSize(bytes)} (${plural(bytes, 'byte')}) in total`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
