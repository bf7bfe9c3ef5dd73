/** Issue 21: pure pieces of the app's first ten minutes (names, counts, phase-aware progress). */
import { describe, expect, it } from 'vitest';
import { backupFileName } from '../../src/ui/backup/naming.ts';
import { phaseRate } from '../../src/ui/progress/phase-rate.ts';
import { countWords } from '../../src/ui/shared/format.ts';

describe('phase-aware progress', () => {
  it('a check after writing measures its own bytes and time, not the whole operation', () => {
    // Writing took 140 s; the check has done 262 KB of 40 MB in its first second.
    const start = { phase: 'verifying' as const, at: 140_000, bytes: 0 };
    const progress = { phase: 'verifying' as const, bytesDone: 262_000, bytesTotal: 40_000_000, currentPath: '' };
    const { speed, secondsLeft } = phaseRate(progress, start, 141_000);
    expect(speed).toBe(262_000);
    expect(secondsLeft).toBeCloseTo((40_000_000 - 262_000) / 262_000);
  });

  it('says nothing about speed before there is anything to measure', () => {
    const start = { phase: 'writing' as const, at: 0, bytes: 0 };
    const progress = { phase: 'writing' as const, bytesDone: 0, bytesTotal: 10, currentPath: '' };
    expect(phaseRate(progress, start, 5_000).speed).toBe(0);
  });
});

describe('backup names and counts', () => {
  it('names a backup after what is in it and when, so two never share a name', () => {
    const at = new Date(2026, 11, 2, 20, 14, 5);
    expect(backupFileName(['Fotos/a.jpg', 'Fotos/b.jpg'], at)).toBe('Fotos, 2026-12-02 20-14-05.coffer');
    expect(backupFileName(['Fotos/a.jpg', 'notes.txt', 'x/y'], at)).toBe('Fotos + 2 more, 2026-12-02 20-14-05.coffer');
    expect(backupFileName(['a:b?.txt'], at)).toBe('a-b-.txt, 2026-12-02 20-14-05.coffer');
    expect(backupFileName(['Fotos/a.jpg'], new Date(2026, 11, 2, 20, 14, 6))).not.toBe(
      backupFileName(['Fotos/a.jpg'], at),
    );
  });

  it('counts files and folders in the same words everywhere', () => {
    expect(countWords(1, 0)).toBe('1 file');
    expect(countWords(6, 3)).toBe('6 files and 3 folders');
    expect(countWords(2, 1)).toBe('2 files and 1 folder');
  });
});
