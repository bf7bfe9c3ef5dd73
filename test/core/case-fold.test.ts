/** Issue 13 item 3: names that differ only in case, folded the way case-insensitive file systems do. */
import { describe, expect, it } from 'vitest';
import { checkCaseFolds, checkPathSet, foldCase } from '../../src/core/paths.ts';

const PAIRS: [string, string][] = [
  ['A.txt', 'a.txt'],
  ['ſ.txt', 's.txt'],
  ['ı.txt', 'i.txt'],
  ['σ.txt', 'ς.txt'],
  ['ﬁle.txt', 'file.txt'],
  ['Straße', 'STRASSE'],
  ['dir/É.txt', 'dir/é.txt'],
];

describe('foldCase', () => {
  for (const [one, two] of PAIRS) {
    it(`folds ${one} and ${two} to one key`, () => {
      expect(foldCase(one)).toBe(foldCase(two));
    });
  }

  it('keeps names apart that differ in more than case', () => {
    expect(foldCase('a.txt')).not.toBe(foldCase('b.txt'));
    expect(foldCase('é')).not.toBe(foldCase('e'));
  });

  it('gives NFC keys', () => {
    for (const [one] of PAIRS) expect(foldCase(one)).toBe(foldCase(one).normalize('NFC'));
    expect(foldCase('ǰ')).toBe('ǰ'.normalize('NFC'));
  });
});

describe('checkPathSet on a case-insensitive target', () => {
  for (const [one, two] of PAIRS) {
    it(`refuses ${one} next to ${two}`, () => {
      const entries: { path: string; type: 'file' | 'dir' }[] = [
        { path: one, type: 'file' },
        { path: two, type: 'file' },
      ];
      if (one.includes('/')) entries.unshift({ path: 'dir', type: 'dir' });
      expect(() => checkPathSet(entries, true)).toThrow(/differ only in letter case/);
      expect(() => checkCaseFolds(entries)).toThrow(/differ only in letter case/);
      // A case-sensitive target keeps both.
      expect(() => checkPathSet(entries, false)).not.toThrow();
    });
  }
});
