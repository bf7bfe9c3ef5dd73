import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkParents,
  checkPath,
  checkPathSet,
  describePath,
  type PathEntry,
  pathProblem,
} from '../../src/core/paths.ts';
import { expectCode } from './helpers.ts';

const file = (path: string): PathEntry => ({ path, type: 'file' });

function hasUnsafeCharacter(s: string): boolean {
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f || ch === '/' || ch === '\\') return true;
  }
  return false;
}
const dir = (path: string): PathEntry => ({ path, type: 'dir' });

describe('pathProblem / checkPath (spec 5.3)', () => {
  const refused: [string, string][] = [
    ['', 'empty'],
    ['..', 'dot-dot'],
    ['../x', 'dot-dot first'],
    ['a/../b', 'dot-dot inside'],
    ['a/..', 'dot-dot last'],
    ['.', 'dot'],
    ['./a', 'dot first'],
    ['a/./b', 'dot inside'],
    ['/abs', 'absolute'],
    ['/', 'root'],
    ['//server/share', 'UNC-like'],
    ['C:x', 'drive'],
    ['c:', 'bare drive'],
    ['Z:/x', 'drive with slash'],
    ['a\\b', 'backslash'],
    ['\\a', 'leading backslash'],
    ['a\u0000b', 'NUL'],
    ['a\u0001', 'U+0001'],
    ['tab\there', 'tab'],
    ['new\nline', 'line feed'],
    ['cr\r', 'carriage return'],
    ['esc\u001b', 'escape'],
    ['unit\u001f', 'U+001F'],
    ['del\u007f', 'DEL'],
    ['a//b', 'empty component'],
    ['a/', 'trailing slash'],
    ['cafe\u0301', 'not NFC'],
    ['A\u030a', 'not NFC (A + ring)'],
    ['\u212b', 'not NFC (angstrom sign)'],
    ['x'.repeat(256), '256-byte component'],
    [`a/${'é'.repeat(128)}`, '256-byte component (2-byte characters)'],
    [Array.from({ length: 257 }, () => 'a').join('/'), '257 levels'],
    [`${'abcdefghijklmno/'.repeat(255)}${'x'.repeat(17)}`, '4097 bytes'],
  ];

  for (const [path, why] of refused) {
    it(`refuses ${why}`, async () => {
      expect(pathProblem(path)).toBeTypeOf('string');
      await expectCode(() => checkPath(path), 'unsafe_entry');
    });
  }

  const accepted: [string, string][] = [
    ['a', 'a single name'],
    ['a/b/c.txt', 'nested'],
    ['.hidden', 'dot file'],
    ['..hidden', 'double-dot prefix'],
    ['a/...', 'three dots'],
    ['a/b.', 'trailing dot'],
    ['name with spaces', 'spaces'],
    [' leading space', 'leading space'],
    ['café/naïve.txt', 'NFC accents'],
    ['日本語/ファイル.txt', 'CJK'],
    ['emoji 😀/🎉', 'emoji'],
    ['Ωμέγα/Привет', 'Greek and Cyrillic'],
    ['한국어', 'Hangul (NFC)'],
    ['ab:c', 'two letters then colon'],
    ['1:x', 'digit then colon'],
    ['dir/C:x', 'drive-like later component'],
    ['x'.repeat(255), '255-byte component'],
    ['é'.repeat(127), '254-byte component of 2-byte characters'],
    [Array.from({ length: 256 }, () => 'a').join('/'), '256 levels'],
    [`${'abcdefghijklmno/'.repeat(255)}${'x'.repeat(16)}`, '4096 bytes exactly'],
    ['\u0080\u009f', 'C1 controls are not in the spec list'],
  ];

  for (const [path, why] of accepted) {
    it(`accepts ${why}`, () => {
      expect(pathProblem(path)).toBeUndefined();
      expect(() => checkPath(path)).not.toThrow();
    });
  }

  it('checks the length limits in UTF-8 bytes', () => {
    const exact = `${'abcdefghijklmno/'.repeat(255)}${'x'.repeat(16)}`;
    expect(new TextEncoder().encode(exact).length).toBe(4096);
    expect(exact.split('/')).toHaveLength(256);
    expect(pathProblem(`${exact}x`)).toMatch(/4096 bytes/);
    expect(pathProblem(`${exact.slice(0, -1)}é`)).toMatch(/4096 bytes/); // 4097 bytes, 4096 characters
    expect(pathProblem('😀'.repeat(63))).toBeUndefined(); // 252 bytes
    expect(pathProblem('😀'.repeat(64))).toBeTypeOf('string'); // 256 bytes
  });

  it('accepts any NFC name of safe characters (property)', () => {
    const safe = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
      .map((s) => s.normalize('NFC'))
      .filter((s) => !hasUnsafeCharacter(s) && s !== '.' && s !== '..' && !/^[A-Za-z]:/.test(s))
      .filter((s) => new TextEncoder().encode(s).length <= 255 && s.length > 0);
    fc.assert(
      fc.property(fc.array(safe, { minLength: 1, maxLength: 5 }), (parts) => {
        expect(pathProblem(parts.join('/'))).toBeUndefined();
      }),
    );
  });

  it('refuses any path with a control character (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 10 }),
        fc.constantFrom(...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), '\u007f'),
        fc.string({ maxLength: 10 }),
        (before, control, after) => {
          expect(pathProblem(`a${before}${control}${after}`)).toBeTypeOf('string');
        },
      ),
    );
  });
});

describe('checkPathSet', () => {
  it('accepts a normal tree', () => {
    expect(() =>
      checkPathSet([dir('a'), file('a/x'), dir('a/b'), file('a/b/y'), file('README'), file('readme.txt')]),
    ).not.toThrow();
  });

  it('refuses duplicate paths (file/file, dir/dir, file/dir)', async () => {
    await expectCode(() => checkPathSet([file('a'), file('a')]), 'unsafe_entry');
    await expectCode(() => checkPathSet([dir('a'), dir('a')]), 'unsafe_entry');
    await expectCode(() => checkPathSet([dir('a'), file('a')]), 'unsafe_entry');
    await expectCode(() => checkPathSet([file('x/y'), dir('x'), file('x/y')]), 'unsafe_entry');
  });

  it('refuses names that differ only in case, only for case-insensitive targets', async () => {
    const entries = [file('Readme.md'), file('README.md')];
    expect(() => checkPathSet(entries)).not.toThrow();
    expect(() => checkPathSet(entries, false)).not.toThrow();
    await expectCode(() => checkPathSet(entries, true), 'unsafe_entry');
    await expectCode(() => checkPathSet([dir('Dir'), file('Dir/a'), dir('dir')], true), 'unsafe_entry');
    await expectCode(() => checkPathSet([file('ÉTÉ'), file('été')], true), 'unsafe_entry');
    expect(() => checkPathSet([file('a'), file('b')], true)).not.toThrow();
  });

  it('refuses an entry below a file, whatever the order', async () => {
    await expectCode(() => checkPathSet([file('a'), file('a/b')]), 'unsafe_entry');
    await expectCode(() => checkPathSet([file('a/b'), file('a')]), 'unsafe_entry');
    await expectCode(() => checkPathSet([dir('a'), file('a/b'), file('a/b/c/d')]), 'unsafe_entry');
    await expectCode(() => checkPathSet([file('x'), dir('x/y')]), 'unsafe_entry');
    // A file whose name merely starts with another's is fine.
    expect(() => checkPathSet([file('a'), file('ab'), file('a.b')])).not.toThrow();
  });

  it('refuses the whole set when any single path is unsafe', async () => {
    await expectCode(() => checkPathSet([file('ok'), file('../evil')]), 'unsafe_entry');
    await expectCode(() => checkPathSet([file('ok'), file('/etc/passwd')]), 'unsafe_entry');
  });
});

describe('describePath', () => {
  it('escapes DEL and C1 control characters as well as C0 ones', () => {
    expect(describePath('a\u007fb\u0085c\u0001')).toBe('"a\\u007fb\\u0085c\\u0001"');
  });
});

describe('checkParents (issue 13 item 15: O(distinct folders))', () => {
  const chain = Array.from({ length: 250 }, () => 'abcdefghijklmno').join('/');

  it('checks each distinct folder once for 20,000 deep paths', () => {
    const types = new Map<string, 'file' | 'dir'>();
    for (let i = 0; i < 20_000; i++) types.set(`${chain}/f${i}`, 'file');
    expect(checkParents(types)).toBe(250);
    checkPathSet([...types.keys()].map(file));
  });

  it('still refuses an entry below a file, in either order', async () => {
    await expectCode(() => checkPathSet([file(`${chain}/x`), file(`${chain}/x/y`)]), 'unsafe_entry');
    await expectCode(() => checkPathSet([file('a/b/c/d'), file('a/b')]), 'unsafe_entry');
  });
});
