/**
 * The recovery kit: a text file with the recovery key and how to use it. The app writes it; the
 * CLI accepts the kit itself as --recovery-key-file, so a person never has to copy digits out.
 * It points only at what Coffer itself ships: the app's own address, and the command-line tool as
 * one file served beside the app (vite.cli.ts). Never a registry package name, which anyone could
 * publish.
 */
import { formatRecoveryKey } from './recovery-key.ts';

export const KIT_TITLE = 'COFFER RECOVERY KIT';
const KEY_LINE = 'Recovery key:';
/** The one-file offline opener the app offers next to the kit (src/opener). */
export const OPENER_NAME = 'coffer-opener.html';
/** The command-line tool as one file, served beside the app (vite.cli.ts). */
export const CLI_FILE_NAME = 'coffer.mjs';

export interface KitDetails {
  date: string;
  sources: string[];
  /** The address the app was opened from, e.g. https://example.org/coffer/ */
  appAddress: string;
}

/** Where the app serves the command-line tool: beside its own page. */
function cliAddress(appAddress: string): string {
  try {
    return new URL(CLI_FILE_NAME, appAddress).href;
  } catch {
    return `${appAddress}${CLI_FILE_NAME}`;
  }
}

export function buildRecoveryKit(key: string, { date, sources, appAddress }: KitDetails): string {
  return [
    KIT_TITLE,
    '',
    `${KEY_LINE}  ${formatRecoveryKey(key)}`,
    '',
    `Made on ${date}, for a backup of: ${sources.join(', ') || '(files)'}`,
    '',
    'This key opens every Coffer backup it was used for. Keep it somewhere safe and private.',
    'If you lose both this key and your passphrase, nobody can open those backups, not even Coffer.',
    '',
    'To restore in the app (it works offline once opened):',
    `  1. Open ${appAddress}`,
    '  2. Press "Open backup" and choose the .coffer file (or drop it onto the page).',
    '  3. Type the 64 digits above into "Recovery key" (spaces do not matter) and press Unlock.',
    '',
    'To restore without this website or the internet:',
    `  Open ${OPENER_NAME} in Chrome, Edge or Firefox from your disk (the app's "Save offline opener"`,
    '  button saves it; keep it with this kit), choose the .coffer file and type the key above.',
    '',
    'To restore with the Coffer command-line tool (it needs Node.js 20 or later):',
    `  1. Download ${cliAddress(appAddress)} (one file; keep it with this kit).`,
    `  2. node ${CLI_FILE_NAME} restore BACKUP.coffer -o FOLDER --recovery-key-file THIS-KIT.txt`,
    '  (this kit file itself is accepted as the recovery key file)',
    '',
  ].join('\n');
}

/** The key line of a kit, or undefined when the text is not a kit. */
export function keyFromKit(text: string): string | undefined {
  if (!text.trimStart().startsWith(KIT_TITLE)) return undefined;
  const line = text.split(/\r?\n/).find((candidate) => candidate.startsWith(KEY_LINE));
  return line?.slice(KEY_LINE.length).trim();
}
