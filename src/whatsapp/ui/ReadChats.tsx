/**
 * "Read chats": the decrypted msgstore.db (or one opened directly), with names from wa.db when
 * given (plain, or as a WhatsApp backup opened with the key typed above).
 */
import { useMemo, useState } from 'preact/hooks';
import type { WhatsAppKeyInput } from '../../worker/protocol.ts';
import { ChatReader } from './chats/ChatReader.tsx';
import type { Decrypted } from './useWhatsAppFlow.ts';

export function ReadChats(props: { decrypted?: Decrypted; keyInput: () => WhatsAppKeyInput | string; busy: boolean }) {
  const { decrypted, keyInput, busy } = props;
  const [database, setDatabase] = useState<Decrypted>();
  const [contacts, setContacts] = useState<File>();
  const [reading, setReading] = useState(false);
  const chosen = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    return file;
  };
  const shown = reading ? database : undefined;
  const source = useMemo(() => {
    if (!shown) return undefined;
    const key = contacts ? keyInput() : undefined;
    return { ...shown, contacts, key: typeof key === 'string' ? undefined : key };
  }, [shown, contacts]);

  return (
    <div class="read-chats">
      <div class="row">
        {decrypted && (
          <button
            type="button"
            class="primary"
            disabled={busy}
            onClick={() => {
              setDatabase({ ...decrypted }); // a new object: reads again after Stop reading
              setReading(true);
            }}
          >
            Read chats
          </button>
        )}
        <label class="button secondary">
          <input
            type="file"
            accept=".db,.sqlite,application/vnd.sqlite3"
            aria-label="Open msgstore.db"
            onChange={(event) => {
              const file = chosen(event);
              if (!file) return;
              setDatabase({ file, name: file.name });
              setReading(true);
            }}
          />
          Open msgstore.db
        </label>
        <label class="button secondary">
          <input
            type="file"
            accept=".db,.crypt12,.crypt14,.crypt15"
            aria-label="Open wa.db for contact names"
            onChange={(event) => setContacts(chosen(event))}
          />
          Open wa.db for contact names
        </label>
      </div>
      {contacts && <p class="hint">Contact names from {contacts.name}.</p>}
      {source && <ChatReader source={source} />}
    </div>
  );
}
