/** Issue 31 item 7: plain words where the platform's leaked through, and names cut at a word's end. */
import { describe, expect, it } from 'vitest';
import { backupFileName, safeName } from '../../src/ui/backup/naming.ts';
import { passkeyFailureText } from '../../src/ui/rekey/passkey.ts';
import { type Strength, strengthProblem } from '../../src/ui/shared/strength.ts';

describe('plain words', () => {
  it('a passkey refused on an IP address says what to do, not "This is an invalid domain."', () => {
    const refused = passkeyFailureText(new DOMException('This is an invalid domain.', 'SecurityError'));
    expect(refused).toMatch(/own web address/);
    expect(refused).not.toMatch(/invalid domain/);
    expect(passkeyFailureText(new DOMException('x', 'NotAllowedError'))).toBe(
      'The passkey prompt was closed or timed out.',
    );
    expect(passkeyFailureText(new Error('something else'))).toBe('something else');
  });

  it('the strength warning continues the sentence after its colon', () => {
    const weak: Strength = {
      score: 1,
      crackTime: 'minutes',
      warning: 'This is a top-10 common password.',
      suggestions: [],
      acceptable: false,
    } as const;
    expect(strengthProblem(weak)).toBe(
      'This passphrase is too easy to guess: this is a top-10 common password. Try a longer phrase of several unrelated words.',
    );
  });

  it('a long name is cut at a word’s end and marked, never mid-word', () => {
    const long = 'Holiday photos from the summer in Brittany with the whole family and friends';
    const cut = safeName(long);
    expect(cut).toBe('Holiday photos from the summer in Brittany with the whole…');
    expect(cut.length).toBeLessThanOrEqual(60);
    expect(safeName('x'.repeat(80))).toBe(`${'x'.repeat(59)}…`);
    expect(safeName('short name')).toBe('short name');
    expect(backupFileName([`${long}/a.jpg`], new Date(2026, 11, 2, 20, 14, 5))).toBe(
      'Holiday photos from the summer in Brittany with the whole…, 2026-12-02 20-14-05.coffer',
    );
  });
});

describe('confirming a new recovery key', () => {
  it('says "type them" when nothing was typed, and "do not match" when the digits are wrong', async () => {
    const { unconfirmedNewKey } = await import('../../src/ui/shared/key-checks.ts');
    const key = '1234'.repeat(16);
    expect(unconfirmedNewKey(key, '')).toMatch(/^Type the last 8 digits/);
    expect(unconfirmedNewKey(key, '0000 0000')).toMatch(/do not match the end of the new recovery key/);
    expect(unconfirmedNewKey(key, '1234 1234')).toBeUndefined();
  });
});
