/** Usage and help texts. */

export const USAGE = `Usage:
  coffer create  -o OUT.coffer [unlock options] PATH...   back up files and folders
  coffer list    IN.coffer [unlock options] [--json]       entries with size and mtime, via the index
  coffer verify  IN.coffer [unlock options]                check every byte; 0 only if wholly intact
  coffer repair  IN.coffer -o OUT.coffer [unlock options]  rebuild a damaged backup made with --parity
  coffer restore IN.coffer -o DIR [unlock options] [--only PATH]... [--overwrite] [--salvage] [--json]
  coffer inspect IN.coffer [--json]                        header facts, no key needed
  coffer rekey   IN.coffer -o OUT.coffer [unlock options] [changes]
                                                           change how a backup unlocks, without
                                                           re-encrypting it
  coffer keygen  -o FILE                                   write a new recovery key
  coffer whatsapp IN -o OUT (--key HEX | --key-file F)    decrypt a WhatsApp backup (crypt12/14/15)
  coffer whatsapp chats DB -o DIR [--contacts WA_DB]     export the chats of a msgstore.db as HTML
  coffer push    FILE LOCATION                             send a backup to a server you own
  coffer pull    LOCATION -o FILE                          fetch a backup from a server

list, verify, restore and inspect also take a LOCATION in place of IN.coffer, and then fetch
only the byte ranges they need. Run "coffer help push" for locations and their settings.

Run "coffer COMMAND --help" for the options of one command.`;

const LOCATIONS = `Locations:
  webdav+http://HOST[:PORT]/PATH    a WebDAV server (webdav+https:// for HTTPS); credentials from
                                    COFFER_WEBDAV_USER and COFFER_WEBDAV_PASSWORD
  s3://BUCKET/KEY                   an S3 or S3-compatible server; settings from AWS_ACCESS_KEY_ID,
                                    AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (optional), AWS_REGION
                                    (default us-east-1) and AWS_ENDPOINT_URL (a custom endpoint,
                                    addressed path-style: http://host:port/BUCKET/KEY)
  Credentials are never taken from arguments or the location itself.`;

const UNLOCK = `Unlock options:
  COFFER_PASSPHRASE         (environment variable) the passphrase
  --passphrase-file F       the passphrase is the first line of F
  --recovery-key-file F     a recovery key saved in F (spaces, dashes and line breaks are ignored)
  With none of these, coffer asks for the passphrase when run in a terminal.`;

const EXIT_CODES = `Exit codes:
  0 success   1 other error (for example a file that cannot be read or written)
  2 usage     3 wrong passphrase or recovery key (including a recovery-key typo)
  4 not a Coffer file, or damaged, tampered or truncated
  5 refused (unsafe path in the backup, limit exceeded, target already exists, or a
    rekey that would leave no passphrase and no recovery key)`;

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
  --compression zstd|deflate  how files that compress are stored: zstd (the default, as in
                            the app: faster and smaller; versions before zstd refuse it with
                            "a compression method ... does not know") or deflate (every
                            Coffer version opens it)
  --no-compress             store files as they are (no compression)
  --parity PCT              add PCT% Reed–Solomon parity (0-100) plus copies of the header and
                            index, so damage can be repaired: with 10, about 10% larger, and any
                            5 damaged 256 KiB chunks in each run of 55 are rebuilt. Such a backup
                            is format version 3: Coffer versions without parity refuse it
  -q, --quiet               no progress or summary
  -h, --help                show this help

The passphrase comes from COFFER_PASSPHRASE, --passphrase-file, or (in a terminal, when no other
unlock option is given) a prompt that asks twice. A backup locked with a passphrase and a
recovery key opens with either.`,

  list: `Usage: coffer list IN.coffer|LOCATION [unlock options] [--json]

Lists every entry (type, size, modification time, path) by reading just the index (from a
server: only the header and the index are fetched; "coffer help push" lists locations).

Options:
  --json                    a JSON array of {"path", "size", "mtime", "type"} (mtime in ISO 8601)
  -h, --help                show this help

${UNLOCK}`,

  verify: `Usage: coffer verify IN.coffer|LOCATION [unlock options]

Decrypts and checks every byte of the backup without writing anything. Exits 0 only if the
whole backup is intact. A backup made with --parity whose damage parity can undo is reported
"DAMAGED BUT REPAIRABLE" with what was repaired (exit 4): run "coffer repair" on it.

Options:
  -q, --quiet               print nothing on success
  -h, --help                show this help

${UNLOCK}`,

  repair: `Usage: coffer repair IN.coffer -o OUT.coffer [unlock options]

Writes a clean copy of a backup made with --parity: damaged chunks are rebuilt from the parity
(each one checked by its own integrity tag), a damaged header or index is taken from its copy,
and the parity is written anew. IN is never changed and OUT must not exist. If the damage is more
than the parity can undo, nothing is written (exit 4): "coffer restore --salvage" then restores
every file that is intact.

Options:
  -o, --output OUT          the repaired backup to write (refused if it exists)
  -q, --quiet               no summary
  -h, --help                show this help

${UNLOCK}`,

  restore: `Usage: coffer restore IN.coffer|LOCATION -o DIR [unlock options] [--only PATH]... [--overwrite] [--salvage] [--json]

Restores the backup into DIR (created if missing; its parent folder must exist). From a server
with --only, just the chunks that hold those entries are fetched.

Options:
  -o, --output DIR          where to restore
  --only PATH               restore just this entry, or everything under this folder (repeatable)
  --overwrite               replace existing files in DIR (folders are merged; a file where a
                            folder should go, or the other way round, is always refused)
  --salvage                 the backup is damaged: restore every file whose data is intact and
                            list each file that was lost (exit 4 if anything was lost). A file
                            with any damaged byte is not written at all, never left half-written
  --json                    print a JSON report on stdout: {"complete", "restored": {"files",
                            "folders", "bytes"}, "chunkCount", "damagedChunks", "lost": [{"path",
                            "size", "mtime", "type", "lost": "whole"|"partial", "damagedBytes"}]}
  -q, --quiet               no progress or summary
  -h, --help                show this help

${UNLOCK}

Every path is checked before anything is written. Files are written to a staging folder beside
DIR and moved into place only after everything has been decrypted and verified, so a failure
leaves DIR and its parent exactly as they were.`,

  inspect: `Usage: coffer inspect IN.coffer|LOCATION [--json]

Prints what the header says (format version, key slots and their settings, chunk layout).
No passphrase or key is needed, and nothing is decrypted.

Options:
  --json                    machine-readable output
  -h, --help                show this help`,

  whatsapp: `Usage: coffer whatsapp IN -o OUT (--key HEX | --key-file F)

Decrypts a WhatsApp backup (msgstore.db.crypt15, .crypt14 or .crypt12) with your own key, on
this computer. OUT is the decrypted msgstore.db (an SQLite database: the zlib layer inside the
backup is removed) or, for a multi-file backup, the ZIP that was inside it, as it is.

Which key opens which backup:
  crypt15   the 64-digit key WhatsApp showed when you turned on end-to-end encrypted backup
            (in a file, on standard input, in COFFER_WHATSAPP_KEY or with --key; spaces and
            dashes are ignored), or the phone's encrypted_backup.key file
  crypt14,  the phone's 158-byte "key" file (/data/data/com.whatsapp/files/key)
  crypt12

Nothing is written unless the whole backup decrypts and its tag (and MD5, where present) check
out: OUT is written to a temporary file beside it and renamed only at the end.

Options:
  -o, --output OUT          the file to write (refused if it exists)
  --key-file F              encrypted_backup.key, the legacy "key" file, or a text file with the
                            64-digit key; "--key-file -" reads any of these from standard input
  COFFER_WHATSAPP_KEY       (environment variable) the 64-digit key, used when neither --key
                            nor --key-file is given
  --key HEX                 the 64-hex-digit end-to-end backup key (warning: visible to other
                            users of this computer in the process list; the three ways above
                            are not)
  -q, --quiet               no progress or summary
  -h, --help                show this help

Exit codes: 0 decrypted; 2 usage (including a malformed key); 3 wrong key, or a key of the wrong
kind for this backup; 4 damaged, cut short, or not a WhatsApp backup Coffer knows; 5 OUT exists.`,

  'whatsapp chats': `Usage: coffer whatsapp chats DB -o DIR [--contacts WA_DB]

Writes DIR/whatsapp-chats.html: every chat of DB, a decrypted msgstore.db (coffer whatsapp IN -o
msgstore.db makes one), in one self-contained HTML file that any browser opens and prints, with
the SHA-256 of DB and the export time in it. It is the same file as the app's "Export all chats".
Both WhatsApp schemas are read: the modern one (message, chat, jid) and the legacy one (messages,
chat_list); for any other, the message names what is missing. DB is only read, in pieces.

Options:
  -o, --output DIR          a new or empty folder for the export (created if missing)
  --contacts WA_DB          the decrypted wa.db, to show contact names instead of numbers
  -q, --quiet               no progress or summary
  -h, --help                show this help

Exit codes: 0 exported; 2 usage; 4 not a WhatsApp database Coffer can read; 5 DIR exists and is
not empty.`,

  rekey: `Usage: coffer rekey IN.coffer -o OUT.coffer [unlock options] [changes]

Writes OUT, a copy of IN that unlocks differently: a new or changed passphrase, a new or
another recovery key, or one of them removed. The data is not re-encrypted (the file key stays),
so only the header differs: every byte after it is copied unchanged, about as fast as copying
the file. IN is never modified and OUT is never overwritten (it is written beside OUT under a
temporary name and renamed when complete).

Changes:
  --set-passphrase-file F   set the passphrase to the first line of F (replaces the old one);
                            or set COFFER_NEW_PASSPHRASE. With no change given, in a terminal,
                            coffer asks for the new passphrase twice.
  --new-recovery-key F      make a new recovery key, save it to F (mode 0600, refused if F
                            exists), and lock OUT with it instead of any old recovery key
  --add-recovery-key-file F lock OUT with the existing recovery key in F (replaces any old one)
  --remove passphrase|recovery-key
                            OUT no longer opens that way (refused, exit 5, if nothing would be
                            left that opens it)
  --kdf default|strong      Argon2id cost of a new passphrase (default: the old slot's, or
                            the default preset)

Options:
  -o, --output OUT          the new backup file (refused if it exists)
  -q, --quiet               print nothing on success
  -h, --help                show this help

${UNLOCK}
(The unlock options open IN; they are not carried over unless unchanged.)

Rekeying protects future copies only: IN, and every copy of it made before, still opens with
the old passphrase or key. Delete those copies, or, to be sure nothing old opens the data,
make a new backup instead (create), which has a new file key.`,

  push: `Usage: coffer push FILE LOCATION

Sends the backup FILE to LOCATION. A LOCATION ending in "/" means FILE's name in that folder.
Refused (exit 5) when that name already exists there: nothing is ever replaced.

Nothing partial is left behind: WebDAV uploads go to a hidden temporary name in the same
folder and are renamed when complete (a dropped connection sends the file again); S3 uploads
of more than 8 MiB are multipart uploads, invisible until completed, and a part whose
connection drops is sent again on its own. Afterwards the copy's size and header (with its
MAC) are read back and compared; a copy that does not match is removed.

Options:
  -q, --quiet               no progress or summary
  -h, --help                show this help

${LOCATIONS}

Exit codes: 0 sent; 1 the server could not be reached or refused (its answer is shown: wrong
credentials, read-only or full target, ...); 2 usage or missing settings; 4 FILE is not a
Coffer backup; 5 the name already exists at LOCATION.`,

  pull: `Usage: coffer pull LOCATION -o FILE

Fetches the backup at LOCATION into FILE (refused if FILE exists). FILE appears only once
every byte has arrived; a dropped connection continues from where it stopped. Run
"coffer verify FILE" to check it with its key.

Options:
  -o, --output FILE         where to save it
  -q, --quiet               no progress or summary
  -h, --help                show this help

${LOCATIONS}`,

  keygen: `Usage: coffer keygen -o FILE

Writes a new 64-digit recovery key to FILE (mode 0600; refused if FILE exists). Use it with
"coffer create --recovery-key-file FILE". Keep it safe: a backup locked only with this key
cannot be opened without it.

Options:
  -o, --output FILE         where to save the key
  -h, --help                show this help`,
};
