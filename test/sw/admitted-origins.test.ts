/** Which origins the places worker's policy admits (issue 32), and how they enter the policy. */
import { describe, expect, it } from 'vitest';
import { isPlainOrigin, originsToAdmit, policyAdmitting } from '../../src/sw/admitted-origins.ts';

const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self'";
const NOW = 1_000_000;

describe('the origins the places worker may reach', () => {
  it('are the saved places and places under test until their time runs out', () => {
    const places = [
      { origin: 'https://dav.example.org', credentials: {} },
      { origin: 'http://127.0.0.1:4471', trialUntil: NOW + 1 },
      { origin: 'https://stale.example.org', trialUntil: NOW },
      { origin: 'https://dav.example.org', credentials: {} },
    ];
    expect(originsToAdmit(places, NOW)).toEqual(['https://dav.example.org', 'http://127.0.0.1:4471']);
  });

  it('are bare origins only: nothing that could add a source or a directive to the header', () => {
    for (const bad of [
      'https://a.example; script-src *',
      'https://a.example *',
      '*',
      'https:',
      'https://a.example/path',
      "'unsafe-inline'",
      'data:',
      'javascript://x',
    ]) {
      expect(isPlainOrigin(bad), bad).toBe(false);
      expect(originsToAdmit([{ origin: bad, credentials: {} }], NOW), bad).toEqual([]);
    }
    for (const good of ['https://s3.eu-west-3.amazonaws.com', 'http://[::1]:8080', 'http://nas:5005']) {
      expect(isPlainOrigin(good), good).toBe(true);
    }
  });

  it('are added to connect-src and nowhere else; with none the policy is unchanged', () => {
    expect(policyAdmitting(POLICY, [])).toBe(POLICY);
    expect(policyAdmitting(POLICY, ['https://a.example', 'http://127.0.0.1:4471'])).toBe(
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' https://a.example http://127.0.0.1:4471; img-src 'self'",
    );
  });
});
