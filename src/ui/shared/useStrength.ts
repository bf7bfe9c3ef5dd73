/**
 * The strength of a passphrase being typed, measured off the keystroke (the dictionaries load on
 * first use). Undefined while the field is empty, before the first answer, or when `measure` is
 * false. An answer for text that has since changed is dropped, so a slow answer never overwrites a
 * newer one.
 */
import { useEffect, useState } from 'preact/hooks';
import { measureStrength, type Strength } from './strength.ts';

export function useStrength(passphrase: string, measure = true): Strength | undefined {
  const [strength, setStrength] = useState<Strength>();
  useEffect(() => {
    let current = true;
    if (!measure || !passphrase) setStrength(undefined);
    else measureStrength(passphrase).then((result) => current && setStrength(result));
    return () => {
      current = false;
    };
  }, [passphrase, measure]);
  return strength;
}
