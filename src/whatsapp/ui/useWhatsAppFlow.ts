/**
 * What the WhatsApp tab's buttons do: decrypt to a file, or seal straight into a Coffer backup,
 * through the Coffer worker, with progress; and which decrypted database the chat reader reads.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ProgressState } from '../../ui/progress/ProgressView.tsx';
import { coffer } from '../../ui/shared/client.ts';
import { handOverTemp, newTempName, removeTemp } from '../../ui/shared/download.ts';
import type { FriendlyError } from '../../ui/shared/messages.ts';
import type { WorkerError } from '../../worker/client.ts';
import type { Output } from '../../worker/protocol.ts';
import { outputName, type WhatsAppSummary } from '../core/index.ts';
import type { WhatsAppForm } from './useWhatsAppForm.ts';
import { savePicker, whatsappError } from './words.ts';

export type WhatsAppDone =
  | { kind: 'decrypted'; summary: WhatsAppSummary; name: string }
  | { kind: 'sealed'; summary: WhatsAppSummary; entries: number; entry?: string; name: string; size: number };

/** A decrypted database the chat reader can open (kept readable until another replaces it). */
export interface Decrypted {
  file: File;
  name: string;
}

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

export function useWhatsAppFlow(form: WhatsAppForm) {
  const { file } = form;
  const [progress, setProgress] = useState<ProgressState>();
  const [error, setError] = useState<FriendlyError>();
  const [problem, setProblem] = useState('');
  const [done, setDone] = useState<WhatsAppDone>();
  const [decrypted, setDecrypted] = useState<Decrypted>();
  const release = useRef<() => void>(() => {});

  useEffect(() => {
    setError(undefined);
    setDone(undefined);
  }, [file]);
  useEffect(() => () => release.current(), []);

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

  async function decrypt() {
    const key = form.keyInput();
    setError(undefined); // One message per event: the new complaint replaces the old failure.
    setProblem(typeof key === 'string' ? key : '');
    if (!file || typeof key === 'string') return;
    const target = await chooseOutput(outputName(file.name, 'sqlite'));
    if (!target) return;
    const result = await start(() =>
      coffer.run({ type: 'whatsapp-decrypt', file, key, output: target.output }, onProgress),
    );
    if (!result) {
      if (target.temp) await removeTemp(target.temp);
      return;
    }
    release.current();
    release.current = () => {};
    let readable: File | undefined;
    if (target.temp) {
      // The download gets the file; the tab keeps reading it for "Read chats".
      const held = await handOverTemp(target.temp, result.name, true);
      release.current = held.release;
      readable = held.file;
    } else if (target.output.kind === 'handle') {
      readable = await target.output.handle.getFile();
    }
    setDecrypted(result.summary.content === 'sqlite' && readable ? { file: readable, name: result.name } : undefined);
    setDone({ kind: 'decrypted', summary: result.summary, name: result.name });
  }

  async function seal() {
    const key = form.keyInput();
    const reason = typeof key === 'string' ? key : form.sealProblem();
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
          passphrase: form.passphrase || undefined,
          recoveryKey: form.recoveryKey.trim() || undefined,
          kdf: 'default',
          output: target.output,
        },
        onProgress,
      ),
    );
    if (!result) {
      if (target.temp) await removeTemp(target.temp);
      return;
    }
    if (target.temp) await handOverTemp(target.temp, name);
    const { entries, entry, size } = result;
    setDone({ kind: 'sealed', summary: result.summary, entries, entry, name, size });
  }

  return { progress, error: error ?? form.inspectError, problem, done, decrypted, decrypt, seal };
}
