import { useEffect, useState } from 'preact/hooks';
import { checkRecoveryKey } from '../../core/recovery-key.ts';
import {
  describeKey,
  FORMAT_DESCRIPTIONS,
  outputName,
  parseWhatsAppKeyFile,
  type WhatsAppFormat,
  type WhatsAppSummary,
  whatsappKeyProblem,
} from '../../core/whatsapp/index.ts';
import type { WorkerError } from '../../worker/client.ts';
import type { Output, WhatsAppKeyInput } from '../../worker/protocol.ts';
import { type ProgressState, ProgressView } from '../progress/ProgressView.tsx';
import { coffer } from '../shared/client.ts';
import { handOverTemp, newTempName, removeTemp } from '../shared/download.ts';
import { ErrorNotice } from '../shared/ErrorNotice.tsx';
import { formatBytes } from '../shared/format.ts';
import type { FriendlyError } from '../shared/messages.ts';
import { measureStrength, type Strength } from '../shared/strength.ts';
import { WhatsAppHelp } from './WhatsAppHelp.tsx';
import { describeSummary, KEY_HELP, origin, savePicker, whatsappError } from './words.ts';

interface Inspected {
  format: WhatsAppFormat;
  size: number;
  appVersion?: string;
}

type Done =
  | { kind: 'decrypted'; summary: WhatsAppSummary; name: string }
  | { kind: 'sealed'; summary: WhatsAppSummary; entries: number; entry?: string; name: string; size: number };

export function WhatsAppPanel({ file: given }: { file?: File }) {
  const [file, setFile] = useState<File | undefined>(given);
  const [inspected, setInspected] = useState<Inspected>();
  const [hex, setHex] = useState('');
  const [keyFile, setKeyFile] = useState<File>();
  const [keyFileNote, setKeyFileNote] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [strength, setStrength] = useState<Strength>();
  const [recoveryKey, setRecoveryKey] = useState('');
  const [progress, setProgress] = useState<ProgressState>();
  const [error, setError] = useState<FriendlyError>();
  const [problem, setProblem] = useState('');
  const [done, setDone] = useState<Done>();

  useEffect(() => {
    if (given) setFile(given);
  }, [given]);

  useEffect(() => {
    setInspected(undefined);
    setError(undefined);
    setDone(undefined);
    if (!file) return;
    coffer
      .run({ type: 'whatsapp-inspect', file })
      .then((result) => result.type === 'whatsapp-inspected' && setInspected(result))
      .catch((failure: WorkerError) => setError(whatsappError(failure)));
  }, [file]);

  useEffect(() => {
    let current = true;
    if (!passphrase) setStrength(undefined);
    else measureStrength(passphrase).then((result) => current && setStrength(result));
    return () => {
      current = false;
    };
  }, [passphrase]);

  const chooseBackup = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    if (input.files?.[0]) setFile(input.files[0]);
    input.value = '';
  };

  const chooseKeyFile = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const chosen = input.files?.[0];
    input.value = '';
    if (!chosen) return;
    setKeyFile(chosen);
    try {
      const key = parseWhatsAppKeyFile(new Uint8Array(await chosen.arrayBuffer()));
      setKeyFileNote(`${chosen.name}: ${describeKey(key)}.`);
    } catch (failure) {
      setKeyFileNote(`${chosen.name}: ${(failure as Error).message}`);
    }
  };

  const typedProblem = hex.trim() ? whatsappKeyProblem(hex) : undefined;

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
      if (!strength) return 'Checking the passphrase strength…';
      if (!strength.acceptable) {
        return `This passphrase is too easy to guess${strength.warning ? `: ${strength.warning}` : ''}. Try a longer phrase of several unrelated words.`;
      }
    }
    if (recoveryKey.trim() && checkRecoveryKey(recoveryKey).problem)
      return 'That recovery key has a typo: check each group of four digits.';
    return undefined;
  }

  async function start<T>(task: () => Promise<T>): Promise<T | undefined> {
    setError(undefined);
    setDone(undefined);
    setProgress({
      progress: { bytesDone: 0, bytesTotal: file?.size ?? 0, currentPath: file?.name ?? '', phase: 'decrypting' },
      startedAt: performance.now(),
    });
    try {
      return await task();
    } catch (failure) {
      setError(whatsappError(failure as WorkerError));
      return undefined;
    } finally {
      setProgress(undefined);
    }
  }

  const onProgress = (update: ProgressState['progress']) =>
    setProgress((state) => state && { ...state, progress: update });

  /** The save dialog where there is one (written to a swap file until done), else a private temporary file. */
  async function chooseOutput(name: string): Promise<{ output: Output; temp?: string } | undefined> {
    const picker = savePicker();
    if (picker) {
      try {
        return { output: { kind: 'handle', handle: await picker({ suggestedName: name }) } };
      } catch {
        return undefined; // The person closed the dialog.
      }
    }
    const temp = await newTempName('whatsapp');
    return { output: { kind: 'opfs', name: temp }, temp };
  }

  async function decrypt() {
    const key = keyInput();
    setError(undefined); // One message per event: the new complaint replaces the old failure.
    setProblem(typeof key === 'string' ? key : '');
    if (!file || typeof key === 'string') return;
    const target = await chooseOutput(outputName(file.name, 'sqlite'));
    if (!target) return;
    const result = await start(() =>
      coffer.run({ type: 'whatsapp-decrypt', file, key, output: target.output }, onProgress),
    );
    if (result?.type !== 'whatsapp-decrypted') {
      if (target.temp) await removeTemp(target.temp);
      return;
    }
    if (target.temp) await handOverTemp(target.temp, result.name);
    setDone({ kind: 'decrypted', summary: result.summary, name: result.name });
  }

  async function seal() {
    const key = keyInput();
    const reason = typeof key === 'string' ? key : sealProblem();
    setError(undefined);
    setProblem(reason ?? '');
    if (!file || typeof key === 'string' || reason) return;
    const name = `${outputName(file.name, 'sqlite')}.coffer`;
    const target = await chooseOutput(name);
    if (!target) return;
    const result = await start(() =>
      coffer.run(
        {
          type: 'whatsapp-seal',
          file,
          key,
          passphrase: passphrase || undefined,
          recoveryKey: recoveryKey.trim() || undefined,
          kdf: 'default',
          output: target.output,
        },
        onProgress,
      ),
    );
    if (result?.type !== 'whatsapp-sealed') {
      if (target.temp) await removeTemp(target.temp);
      return;
    }
    if (target.temp) await handOverTemp(target.temp, name);
    const { entries, entry, size } = result;
    setDone({ kind: 'sealed', summary: result.summary, entries, entry, name, size });
  }

  const busy = progress !== undefined;
  const format = inspected?.format;
  return (
    <section class="panel" aria-labelledby="whatsapp-heading">
      <h2 id="whatsapp-heading">Open a WhatsApp backup</h2>
      <p class="hint">
        Decrypt a WhatsApp backup (msgstore.db.crypt15, .crypt14 or .crypt12) with your own key, on this device. Nothing
        is uploaded.
      </p>
      <div class="row">
        <label class="button secondary">
          <input
            type="file"
            accept=".crypt12,.crypt14,.crypt15"
            aria-label="Open WhatsApp backup"
            onChange={chooseBackup}
            disabled={busy}
          />
          Open WhatsApp backup
        </label>
      </div>
      {file && (
        <p class="file-name">
          {file.name} — {formatBytes(file.size)}
        </p>
      )}
      {inspected && (
        <p>
          {FORMAT_DESCRIPTIONS[inspected.format]} backup
          {inspected.appVersion ? `, made by WhatsApp ${inspected.appVersion}` : ''}. {KEY_HELP[inspected.format]}
        </p>
      )}
      {!file && <WhatsAppHelp />}
      {/* The key and seal forms wait until the file is known to be a WhatsApp backup. */}
      {file && inspected && (
        <fieldset disabled={busy}>
          <legend>Your WhatsApp key</legend>
          {format !== 'crypt14' && format !== 'crypt12' && (
            <label>
              WhatsApp key
              <input
                autocomplete="off"
                spellcheck={false}
                aria-invalid={typedProblem !== undefined}
                placeholder="64 digits (0–9 and a–f)"
                value={hex}
                onInput={(e) => setHex(e.currentTarget.value)}
              />
            </label>
          )}
          {typedProblem && !keyFile && (
            <p class="field-error" role="status">
              {typedProblem}
            </p>
          )}
          <div class="row">
            <label class="button secondary">
              <input type="file" aria-label="Open key file" onChange={chooseKeyFile} />
              Open key file
            </label>
            {keyFile && (
              <button
                type="button"
                class="link"
                onClick={() => {
                  setKeyFile(undefined);
                  setKeyFileNote('');
                }}
              >
                Forget key file
              </button>
            )}
          </div>
          {keyFileNote && <p class="hint">{keyFileNote}</p>}
        </fieldset>
      )}
      {file && inspected && (
        <fieldset disabled={busy}>
          <legend>Seal it as a Coffer backup (optional)</legend>
          <p class="hint">
            Turns the decrypted content straight into a Coffer backup locked with your passphrase or recovery key; the
            decrypted data is never written to disk.
          </p>
          <div class="fields">
            <label>
              Passphrase
              <input
                type="password"
                autocomplete="new-password"
                value={passphrase}
                onInput={(e) => setPassphrase(e.currentTarget.value)}
              />
            </label>
            {strength && (
              <p class={`strength strength-${strength.score}`} aria-live="polite">
                <meter min={0} max={4} value={strength.score} aria-label="Passphrase strength" />
                {strength.acceptable ? 'Strong enough' : 'Too weak'} — about {strength.crackTime} to guess.
              </p>
            )}
            <label>
              Confirm passphrase
              <input
                type="password"
                autocomplete="new-password"
                value={confirmation}
                onInput={(e) => setConfirmation(e.currentTarget.value)}
              />
            </label>
            <label>
              Recovery key
              <input
                inputMode="numeric"
                autocomplete="off"
                spellcheck={false}
                value={recoveryKey}
                onInput={(e) => setRecoveryKey(e.currentTarget.value)}
              />
            </label>
          </div>
        </fieldset>
      )}
      {problem && (
        <p class="notice error" role="alert">
          {problem}
        </p>
      )}
      {error && <ErrorNotice error={error} />}
      {progress ? (
        <ProgressView state={progress} onCancel={() => coffer.cancel()} />
      ) : (
        file && (
          <div class="row">
            <button type="button" class="primary" onClick={decrypt}>
              Decrypt
            </button>
            <button type="button" class="secondary" onClick={seal}>
              Seal as a Coffer backup
            </button>
          </div>
        )
      )}
      {done && (
        <div class="notice success" role="status">
          {done.kind === 'decrypted' ? (
            <p class="notice-headline">
              Decrypted {done.name}: {describeSummary(done.summary)}.
            </p>
          ) : (
            <p class="notice-headline">
              Sealed{' '}
              {done.entry
                ? `${done.entry} (${describeSummary(done.summary)})`
                : `the ${done.entries} ${done.entries === 1 ? 'entry' : 'entries'} of the ZIP inside`}{' '}
              into {done.name}, {formatBytes(done.size)}. Read back and checked: every byte is intact.
            </p>
          )}
          <p>
            From a {origin(done.summary)}
            {done.summary.multiFile ? ' (a multi-file backup, with a ZIP inside)' : ''}.
          </p>
        </div>
      )}
    </section>
  );
}
