/**
 * Passphrase strength with zxcvbn-ts. Its dictionaries are large, so they load on first use and
 * never slow down the first paint.
 */
export interface Strength {
  score: 0 | 1 | 2 | 3 | 4;
  crackTime: string;
  warning?: string;
  suggestions: string[];
  acceptable: boolean;
}

export const MIN_SCORE = 3;

type Checker = (passphrase: string) => Strength;
let checker: Promise<Checker> | undefined;

async function loadChecker(): Promise<Checker> {
  const [{ ZxcvbnFactory }, common, english] = await Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]);
  const zxcvbn = new ZxcvbnFactory({
    translations: english.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...english.dictionary },
  });
  return (passphrase) => {
    const result = zxcvbn.check(passphrase);
    // zxcvbn's warnings end with a full stop; ours are built into sentences, so it goes.
    const warning = (result.feedback.warning ?? '').replace(/\.+$/, '') || undefined;
    return {
      score: result.score,
      // The "slow hash" scenario (10^4 guesses/s) understates Argon2id's cost: a fair ceiling.
      crackTime: result.crackTimes.offlineSlowHashingXPerSecond.display,
      warning,
      suggestions: result.feedback.suggestions,
      acceptable: result.score >= MIN_SCORE,
    };
  };
}

/** Loads the dictionaries ahead of time: after start-up the app makes no further requests. */
export function preloadStrength(): void {
  checker ??= loadChecker();
}

export async function measureStrength(passphrase: string): Promise<Strength> {
  checker ??= loadChecker();
  return (await checker)(passphrase);
}

/** Why a new passphrase cannot be used yet (still being measured, or too weak), or undefined. */
export function strengthProblem(strength: Strength | undefined): string | undefined {
  if (!strength) return 'Checking the passphrase strength…';
  if (strength.acceptable) return undefined;
  // The warning continues the sentence after the colon: no capital, no full stop of its own.
  const warning = strength.warning?.replace(/\.$/, '');
  const why = warning ? `: ${warning.charAt(0).toLowerCase()}${warning.slice(1)}` : '';
  return `This passphrase is too easy to guess${why}. Try a longer phrase of several unrelated words.`;
}
