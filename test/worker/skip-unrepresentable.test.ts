/** Issue 13 item 21: a name the format cannot carry is skipped with a reason, not fatal. */
import { describe, expect, it } from 'vitest';
import { representableItems } from '../../src/worker/skip-unrepresentable.ts';

const item = (path: string, type: 'file' | 'dir' = 'file') => ({ path, type, mtime: 0 });

describe('representableItems', () => {
  it('keeps good names and skips bad ones, each with its reason', () => {
    const { kept, skipped } = representableItems([
      item('good.txt'),
      item('bell\u0007.txt'),
      item(`${'x'.repeat(300)}.txt`),
      item('folder', 'dir'),
      item('folder/fine.txt'),
    ]);
    expect(kept.map((k) => k.path)).toEqual(['good.txt', 'folder', 'folder/fine.txt']);
    expect(skipped).toEqual([
      { path: 'bell\u0007.txt', reason: 'its name cannot be stored in a backup (it contains a control character)' },
      {
        path: `${'x'.repeat(300)}.txt`,
        reason: 'its name cannot be stored in a backup (it has a name longer than 255 bytes)',
      },
    ]);
  });

  it('normalises to NFC and skips the second of two names equal after it', () => {
    const { kept, skipped } = representableItems([item('caf\u00e9.txt'), item('cafe\u0301.txt')]);
    expect(kept.map((k) => k.path)).toEqual(['caf\u00e9.txt']);
    expect(skipped).toHaveLength(1);
    expect(skipped[0].reason).toMatch(/after Unicode normalisation/);
  });
});
