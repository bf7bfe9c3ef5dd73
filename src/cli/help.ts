/** Usage and help texts. */

export const USAGE = `Usage:
  coffer create  -o OUT.coffer [unlock options] PATH...   back up files and folders
  coffer list    IN.coffer [unlock options] [--json]       entries with size and mtime, via the index
  coffer verify  IN.coffer [unlock options]                check every byte; 0 only if wholly intact
  coffer restore IN.coffer -o DIR [unlock options] [--only PATH]... [--overwrite]
  coffer inspect IN.coffer [--json]                        header facts, no key needed
  coffer keygen  -o FILE                                   write a new recovery key

Run "coffer COMMAND --help" for the options of one command.`;

const UNLOCK = `Unlock options:
  COFFER_PASSPHRASE         (environment variable) the passphrase
  --passphrase-file F       the passphrase is the first line of F
  --recovery-key-file F     a recovery key saved in F (spaces, dashes and line breaks are ignored)
  With none of these, coffer asks for the passphrase when run in a terminal.`;

const EXIT_CODES = `Exit codes:
  0 success   1 other error (for example a file that cannot be read or written)
  2 usage     3 wrong passphrase or recovery key (including a recovery-key typo)
  4 not a Coffer file, or damaged, tampered or truncated
  5 refused (unsafe path in the backup, limit exceeded, target already exists)`;

export const MAIN_HELP = `coffer: end-to-end encrypted backups.

${USAGE}

${UNLOCK}

${EXIT_CODES}

Other options:
  -h, --help     show help          --version   show the version`;

export const COMMAND_HELP: Record<string, string> = {
  create: `Usage: coffer create -o OUT.coffer [options] PATH...

Backs up files and folders into one encrypted file. A folder "photos" is stored as "photos/...",
by its own name; several PATHs sit side by side (two with the same name are refused).
Empty files and folders, modification times and permission bits are kept.

Skipped, with a warning: symbolic links (they are not followed, not even when given as a PATH),
special files (sockets, pipes, devices) and names the format cannot carry (for example a
backslash or a control character in a name).

Options:
  -o, --output OUT          the backup file to write (refused if it exists, unless --overwrite)
  --overwrite               replace OUT if it exists
  --passphrase-file F       lock with the passphrase on the first line of F
  --recovery-key-file F     also lock with an existing recovery key
  --new-recovery-key F      make a new recovery key, save it to F (mode 0600, refused if F exists)
                            before writing the backup, and lock the backup with it too
  --kdf default|strong      passphrase hardening: default (Argon2id 64 MiB, 3 passes) or
                            strong (256 MiB, 4 passes)
  --no-compress             store files as they are (no DEFLATE)
  -q, --quiet               no progress or summary
  -h, --help                show this help

The passphrase comes from COFFER_PASSPHRASE, --passphrase-file, or (in a terminal, when no other
unlock option is given) a prompt that asks twice. A backup locked with a passphrase and a
recovery key opens with either.`,

  list: `Usage: coffer list IN.coffer [unlock options] [--json]

Lists every entry (type, size, modification time, path) by reading just the index.

Options:
  --json                    a JSON array of {"path", "size", "mtime", "type"} (mtime in ISO 8601)
  -h, --help                show this help

${UNLOCK}`,

  verify: `Usage: coffer verify IN.coffer [unlock options]

Decrypts and checks every byte of the backup without writing anything. Exits 0 only if the
whole backup is intact.

Options:
  -q, --quiet               print nothing on success
  -h, --help                show this help

${UNLOCK}`,

  restore: `Usage: coffer restore IN.coffer -o DIR [unlock options] [--only PATH]... [--overwrite]

Restores the backup into DIR (created if missing; its parent folder must exist).

Options:
  -o, --output DIR          where to restore
  --only PATH               restore just this entry, or everything under this folder (repeatable)
  --overwrite               replace existing files in DIR (folders are merged; a file where a
                            folder should go, or the other way round, is always refused)
  -q, --quiet               no progress or summary
  -h, --help                show this help

${UNLOCK}

Every path is checked before anything is written. Files are written to a staging folder beside
DIR and moved into place only after everything has been decrypted and verified, so a failure
leaves DIR and its parent exactly as they were.`,

  inspect: `Usage: coffer inspect IN.coffer [--json]

Prints what the header says (format version, key slots and their settings, chunk layout).
No passphrase or key is needed, and nothing is decrypted.

Options:
  --json                    machine-readable output
  -h, --help                show this help`,

  keygen: `Usage: coffer keygen -o FILE

Writes a new 64-digit recovery key to FILE (mode 0600; refused if FILE exists). Use it with
"coffer create --recovery-key-file FILE". Keep it safe: a backup locked only with this key
cannot be opened without it.

Options:
  -o, --output FILE         where to save the key
  -h, --help                show this help`,
};
