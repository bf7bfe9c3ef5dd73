/**
 * What a file that is not a Coffer backup looks like, from its first bytes, so a person who
 * picked the wrong file is told what they picked rather than a rule about file names.
 */
const SIGNATURES: [string, number[]][] = [
  ['a PDF document', [0x25, 0x50, 0x44, 0x46]],
  ['a ZIP archive (or a document saved as one, like .docx)', [0x50, 0x4b, 0x03, 0x04]],
  ['a gzip-compressed file', [0x1f, 0x8b]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  [
    'an SQLite database (for WhatsApp, that is the decrypted msgstore.db itself)',
    Array.from('SQLite format 3', (c) => c.charCodeAt(0)),
  ],
  ['a 7-Zip archive', [0x37, 0x7a, 0xbc, 0xaf]],
];

function isText(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b !== 0x7f));
}

/** "a PDF document", "a text file", "an empty file", or undefined when the bytes do not tell. */
export function describeForeignFile(prefix: Uint8Array): string | undefined {
  if (prefix.length === 0) return 'an empty file';
  for (const [what, signature] of SIGNATURES) {
    if (signature.every((byte, i) => prefix[i] === byte)) return what;
  }
  return isText(prefix) ? 'a text file' : undefined;
}
