/** The WhatsApp tab's form state: the backup, what it is, the key, and the optional seal. */
import { useEffect, useState } from 'preact/hooks';
import { coffer } from '../../ui/shared/client.ts';
import { recoveryKeyTypo } from '../../ui/shared/key-checks.ts';
import type { FriendlyError } from '../../ui/shared/messages.ts';
import { strengthProblem } from '../../ui/shared/strength.ts';
import { useStrength } from '../../ui/shared/useStrength.ts';
import type { WorkerError } from '../../worker/client.ts';
import type { WhatsAppKeyInput } from '../../worker/protocol.ts';
import { describeKey, parseWhatsAppKeyFile, type WhatsAppFormat, whatsappKeyProblem } from '../core/index.ts';
import { whatsappError } from './words.ts';

export interface Inspected {
  format: WhatsAppFormat;
  size: number;
  appVersion?: string;
}

export function useWhatsAppForm(given: File | undefined) {
  const [file, setFile] = useState<File | undefined>(given);
  const [inspected, setInspected] = useState<Inspected>();
  const [inspectError, setInspectError] = useState<FriendlyError>();
  const [hex, setHex] = useState('');
  const [keyFile, setKeyFile] = useState<File>();
  const [keyFileNote, setKeyFileNote] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [recoveryKey, setRecoveryKey] = useState('');
  const strength = useStrength(passphrase);

  useEffect(() => {
    if (given) setFile(given);
  }, [given]);

  useEffect(() => {
    if (!file) {
      setInspected(undefined);
      setInspectError(undefined);
      return;
    }
    // What the last file was stays until this one is known. Clearing it first took the key
    // fields away for a moment and gave them back: whatever was typed meanwhile went nowhere,
    // and Decrypt then used the key typed for the last file.
    let current = true;
    coffer
      .run({ type: 'whatsapp-inspect', file })
      .then((result) => {
        if (!current) return;
        setInspected(result);
        setInspectError(undefined);
      })
      .catch((failure: WorkerError) => {
        if (!current) return;
        setInspected(undefined);
        setInspectError(whatsappError(failure));
      });
    return () => {
      current = false;
    };
  }, [file]);

  async function chooseKeyFile(chosen: File) {
    setKeyFile(chosen);
    try {
      const key = parseWhatsAppKeyFile(new Uint8Array(await chosen.arrayBuffer()));
      setKeyFileNote(`${chosen.name}: ${describeKey(key)}.`);
    } catch (failure) {
      setKeyFileNote(`${chosen.name}: ${(failure as Error).message}`);
    }
  }

  function forgetKeyFile() {
    setKeyFile(undefined);
    setKeyFileNote('');
  }

  const typedProblem = hex.trim() ? whatsappKeyProblem(hex) : undefined;

  /** The key to send to the worker, or what is wrong with it. */
  function keyInput(): WhatsAppKeyInput | string {
    if (keyFile) return { file: keyFile };
    if (!hex.trim()) return 'Type the 64-digit WhatsApp key, or open the key file.';
    return typedProblem ?? { hex };
  }

  function sealProblem(): string | undefined {
    if (!passphrase && !recoveryKey.trim())
      return 'To seal, type a passphrase or a recovery key for the new Coffer backup.';
    if (passphrase) {
      if (passphrase !== confirmation) return 'The two passphrases are not the same.';
      const weak = strengthProblem(strength);
      if (weak) return weak;
    }
    return recoveryKey.trim() ? recoveryKeyTypo(recoveryKey) : undefined;
  }

  return {
    file,
    setFile,
    inspected,
    inspectError,
    hex,
    setHex,
    keyFile,
    keyFileNote,
    chooseKeyFile,
    forgetKeyFile,
    typedProblem,
    keyInput,
    passphrase,
    setPassphrase,
    confirmation,
    setConfirmation,
    strength,
    recoveryKey,
    setRecoveryKey,
    sealProblem,
  };
}

export type WhatsAppForm = ReturnType<typeof useWhatsAppForm>;
