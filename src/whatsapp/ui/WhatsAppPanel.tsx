/** The WhatsApp tab: open a backup, type its key, decrypt or seal it, and read its chats. */

import { ProgressView } from '../../ui/progress/ProgressView.tsx';
import { coffer } from '../../ui/shared/client.ts';
import { ErrorNotice } from '../../ui/shared/ErrorNotice.tsx';
import { formatBytes } from '../../ui/shared/format.ts';
import { FORMAT_DESCRIPTIONS } from '../core/index.ts';
import { ReadChats } from './ReadChats.tsx';
import { useWhatsAppFlow, type WhatsAppDone } from './useWhatsAppFlow.ts';
import { useWhatsAppForm } from './useWhatsAppForm.ts';
import { SealFields, WhatsAppKeyFields } from './WhatsAppFields.tsx';
import { WhatsAppHelp } from './WhatsAppHelp.tsx';
import { describeSummary, KEY_HELP, origin } from './words.ts';

function WhatsAppDoneNotice({ done }: { done: WhatsAppDone }) {
  return (
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
  );
}

export function WhatsAppPanel({ file: given }: { file?: File }) {
  const form = useWhatsAppForm(given);
  const flow = useWhatsAppFlow(form);
  const { file, inspected } = form;
  const busy = flow.progress !== undefined;
  return (
    <section class="panel" aria-labelledby="whatsapp-heading">
      <h2 id="whatsapp-heading">Open a WhatsApp backup</h2>
      <p class="hint">
        Decrypt a WhatsApp backup (msgstore.db.crypt15, .crypt14 or .crypt12) with your own key, on this device, and
        read its chats. Nothing is uploaded.
      </p>
      <div class="row">
        <label class="button secondary">
          <input
            type="file"
            accept=".crypt12,.crypt14,.crypt15"
            aria-label="Open WhatsApp backup"
            onChange={(event) => {
              const input = event.currentTarget;
              if (input.files?.[0]) form.setFile(input.files[0]);
              input.value = '';
            }}
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
      {file && inspected && <WhatsAppKeyFields form={form} busy={busy} />}
      {file && inspected && <SealFields form={form} busy={busy} />}
      {flow.problem && (
        <p class="notice error" role="alert">
          {flow.problem}
        </p>
      )}
      {flow.error && <ErrorNotice error={flow.error} />}
      {flow.progress ? (
        <ProgressView state={flow.progress} onCancel={() => coffer.cancel()} />
      ) : (
        file && (
          <div class="row">
            <button type="button" class="primary" onClick={flow.decrypt}>
              Decrypt
            </button>
            <button type="button" class="secondary" onClick={flow.seal}>
              Seal as a Coffer backup
            </button>
          </div>
        )
      )}
      {flow.done && <WhatsAppDoneNotice done={flow.done} />}
      <ReadChats decrypted={flow.decrypted} keyInput={form.keyInput} busy={busy} />
    </section>
  );
}
