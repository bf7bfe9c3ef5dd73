/**
 * Entry paths (spec 5.3). The same checks run when writing and before restoring anything, so a
 * hostile backup cannot name a file outside the target or clash with another entry.
 */
import { utf8 } from './bytes.ts';
import { CofferError } from './errors.ts';

export const MAX_PATH_BYTES = 4096;
export const MAX_COMPONENT_BYTES = 255;
export const MAX_DEPTH = 256;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
const CONTROL = /[\u0000-\u001f\u007f]/;
const DRIVE = /^[A-Za-z]:/;

/**
 * Whether `text` is more than `limit` bytes in UTF-8. A UTF-16 code unit is at most 3 UTF-8
 * bytes, so short strings (nearly all names) are answered without encoding them (encoding
 * every name was a noticeable share of listing a backup of 10,000 files).
 */
function utf8Longer(text: string, limit: number): boolean {
  return text.length * 3 > limit && utf8(text).length > limit;
}

/** Returns why `path` is unsafe, or undefined when it is acceptable. */
export function pathProblem(path: string): string | undefined {
  if (path.length === 0) return 'is empty';
  if (path.normalize('NFC') !== path) return 'is not in Unicode NFC form';
  if (utf8Longer(path, MAX_PATH_BYTES)) return `is longer than ${MAX_PATH_BYTES} bytes`;
  if (path.startsWith('/')) return 'is absolute';
  if (DRIVE.test(path)) return 'starts with a drive letter';
  if (path.includes('\\')) return 'contains a backslash';
  if (CONTROL.test(path)) return 'contains a control character';
  const components = path.split('/');
  if (components.length > MAX_DEPTH) return `is nested deeper than ${MAX_DEPTH} levels`;
  for (const component of components) {
    if (component === '') return 'has an empty component';
    if (component === '.' || component === '..') return `has a "${component}" component`;
    if (utf8Longer(component, MAX_COMPONENT_BYTES)) return `has a name longer than ${MAX_COMPONENT_BYTES} bytes`;
  }
  return undefined;
}

/** Quotes a path for a message, with every control character escaped (JSON leaves DEL and C1 as is). */
export function describePath(path: string): string {
  const quoted = JSON.stringify(path.length > 200 ? `${path.slice(0, 200)}…` : path);
  return quoted.replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function checkPath(path: string): void {
  const problem = pathProblem(path);
  if (problem)
    throw new CofferError(
      'unsafe_entry',
      `Refused: the backup holds an unsafe path ${describePath(path)}: it ${problem}.`,
    );
}

/**
 * The key under which a case-insensitive file system treats two names as one. Upper then lower
 * catches what lower alone misses (ſ and s, ı and i, σ and ς, ﬁ and fi); NFC afterwards because
 * case mapping can leave a decomposed sequence that NFC composes.
 */
export function foldCase(text: string): string {
  return text.toUpperCase().toLowerCase().normalize('NFC');
}

/** Refuses two paths that differ only in letter case (spec 5.3, for case-insensitive targets). */
export function checkCaseFolds(entries: Iterable<PathEntry>): void {
  const folded = new Map<string, string>();
  for (const entry of entries) {
    const key = foldCase(entry.path);
    const other = folded.get(key);
    if (other !== undefined && other !== entry.path) {
      throw new CofferError(
        'unsafe_entry',
        `Refused: ${describePath(entry.path)} and ${describePath(other)} differ only in letter case, and the target folder does not tell them apart.`,
      );
    }
    folded.set(key, entry.path);
  }
}

export interface PathEntry {
  path: string;
  type: 'file' | 'dir';
}

/**
 * Checks a whole listing: every path, duplicates, files that would have to be directories, and
 * (for case-insensitive targets) names that differ only in case.
 */
export function checkPathSet(entries: Iterable<PathEntry>, caseInsensitive = false): void {
  const seen = new Map<string, 'file' | 'dir'>();
  for (const entry of entries) {
    checkPath(entry.path);
    if (seen.has(entry.path)) {
      throw new CofferError('unsafe_entry', `Refused: the backup lists ${describePath(entry.path)} twice.`);
    }
    seen.set(entry.path, entry.type);
  }
  if (caseInsensitive) checkCaseFolds(Array.from(seen, ([path, type]) => ({ path, type })));
  checkParents(seen);
}

/**
 * Refuses an entry below a file. Each distinct folder is looked up once: walking up from a
 * path stops at the first folder already checked (its ancestors were checked with it), so the
 * cost is O(distinct folders), not O(entries × depth). Returns how many folders it checked.
 */
export function checkParents(types: ReadonlyMap<string, 'file' | 'dir'>): number {
  const checked = new Set<string>();
  for (const path of types.keys()) {
    for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
      const parent = path.slice(0, slash);
      if (checked.has(parent)) break;
      checked.add(parent);
      if (types.get(parent) === 'file') {
        throw new CofferError(
          'unsafe_entry',
          `Refused: ${describePath(path)} would be inside ${describePath(parent)}, which is a file.`,
        );
      }
    }
  }
  return checked.size;
}
