/** The restore list shows names with bidi overrides escaped, so a name reads as what it holds. */
import { describe, expect, it } from 'vitest';
import { treeRows } from '../../src/ui/restore/tree.ts';

const file = (path: string) => ({ path, type: 'file' as const, size: 1, mtime: 0 });

describe('treeRows', () => {
  it('escapes bidi overrides and C1 controls in the shown name, and keeps the real path', () => {
    const rows = treeRows([file('docs/invoice\u202efdp.exe'), file('docs/ok.txt')], '');
    const spoof = rows.find((row) => row.entry.path === 'docs/invoice\u202efdp.exe');
    expect(spoof?.name).toBe('invoice\\u{202e}fdp.exe');
    expect(rows.find((row) => row.entry.path === 'docs/ok.txt')?.name).toBe('ok.txt');
  });

  it('escapes them in search results, which show the whole path', () => {
    const rows = treeRows([file('a/b\u0085c.txt')], 'b');
    expect(rows.map((row) => row.name)).toEqual(['a/b\\u{0085}c.txt']);
  });
});
