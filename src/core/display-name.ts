/**
 * Names from a backup, made safe to show. A name may hold control characters (C0, DEL, C1) that
 * move a terminal's cursor or change its colours, and bidirectional controls (U+202E and kin)
 * that make `invoice‮fdp.exe` read as `invoiceexe.pdf`. Each such character is shown as a visible
 * `\u{…}` escape instead, so what a person reads is what the name holds.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function visibleEscape(char: string): string {
  return `\\u{${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}}`;
}

export function displayName(name: string): string {
  return name.replace(UNSAFE, visibleEscape);
}

/** True where displayName would change the name. */
export function hasUnsafeCharacters(name: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(name);
  UNSAFE.lastIndex = 0;
  return found;
}
