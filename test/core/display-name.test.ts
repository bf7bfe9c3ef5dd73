import { describe, expect, it } from 'vitest';
import { displayName, hasUnsafeCharacters } from '../../src/core/display-name.ts';
import { describePath } from '../../src/core/paths.ts';

describe('displayName', () => {
  it('shows bidi overrides and isolates as visible escapes', () => {
    expect(displayName('invoice\u202efdp.exe')).toBe('invoice\\u{202e}fdp.exe');
    expect(displayName('a\u2066b\u2069c\u200fd\u061c')).toBe('a\\u{2066}b\\u{2069}c\\u{200f}d\\u{061c}');
  });

  it('shows C0, DEL and C1 controls and line separators as escapes', () => {
    expect(displayName('a\u001b[31mred')).toBe('a\\u{001b}[31mred');
    expect(displayName('x\u007fy\u0085z\u009b')).toBe('x\\u{007f}y\\u{0085}z\\u{009b}');
    expect(displayName('one\u2028two')).toBe('one\\u{2028}two');
  });

  it('leaves ordinary names, accents and other scripts alone', () => {
    for (const name of ['Fotos/2024/été.jpg', 'عربي/ملف.txt', '日本語 ファイル.pdf', 'emoji 📷.png']) {
      expect(displayName(name)).toBe(name);
      expect(hasUnsafeCharacters(name)).toBe(false);
    }
    expect(hasUnsafeCharacters('a\u202eb')).toBe(true);
  });
});

describe('describePath', () => {
  it('escapes bidi controls too, not only C0, DEL and C1', () => {
    expect(describePath('invoice\u202efdp.exe')).toBe('"invoice\\u202efdp.exe"');
    expect(describePath('x\u0085')).toBe('"x\\u0085"');
  });
});
