/** Reading a decrypted msgstore.db in the tab: chat list, search, the open chat, exports. */
import './chat-reader.css';
import { ErrorNotice } from '../../../ui/shared/ErrorNotice.tsx';
import { ChatList } from './ChatList.tsx';
import { MessageRow } from './MessageRow.tsx';
import { SearchPanel } from './SearchPanel.tsx';
import { type ReaderSource, useChatReader } from './useChatReader.ts';
import { VirtualList } from './VirtualList.tsx';

export function ChatReader({ source }: { source: ReaderSource }) {
  const reader = useChatReader(source);
  const { opened, chat } = reader;
  return (
    <section class="chat-reader" aria-labelledby="chats-heading">
      <h3 id="chats-heading">Chats in {source.name}</h3>
      {reader.opening && <p role="status">Opening {source.name}…</p>}
      {reader.busy && (
        <div class="row">
          <button type="button" class="secondary" onClick={reader.stop}>
            Stop reading
          </button>
        </div>
      )}
      {reader.error && <ErrorNotice error={reader.error} />}
      {opened && (
        <>
          <p class="hint">
            {opened.chats.length} {opened.chats.length === 1 ? 'chat' : 'chats'},{' '}
            {opened.chats.reduce((sum, c) => sum + c.count, 0)} messages ({opened.schema} schema)
            {opened.contacts ? `, ${opened.contacts} contact names from wa.db` : ''}. Read on this device only;
            attachments are not part of the database and show as named placeholders.
          </p>
          <div class="row">
            <button
              type="button"
              class="secondary"
              disabled={reader.exporting !== undefined}
              onClick={() => reader.exportChats('all')}
            >
              Export all chats
            </button>
            {chat && (
              <button
                type="button"
                class="secondary"
                disabled={reader.exporting !== undefined}
                onClick={() => reader.exportChats(chat)}
              >
                Export this chat
              </button>
            )}
          </div>
          {reader.exporting && <p role="status">Exporting {reader.exporting}…</p>}
          {reader.exported && (
            <p class="notice success" role="status">
              Exported {reader.exported}: one HTML file with the SHA-256 of {source.name} and the export time. Open it
              in any browser, or print it to PDF.
            </p>
          )}
          <SearchPanel
            hits={reader.hits}
            searching={reader.searching}
            onSearch={reader.search}
            onOpen={(hit) => void reader.openHit(hit)}
          />
          <div class="chat-columns">
            <ChatList chats={opened.chats} selected={chat?.id} onOpen={(id) => reader.openChat(id)} />
            <div class="chat-view">
              {chat ? (
                <>
                  <h4 dir="auto">{chat.name}</h4>
                  <VirtualList
                    key={chat.id}
                    class="messages"
                    label={`Messages with ${chat.name}`}
                    count={chat.count}
                    estimate={72}
                    jump={reader.jump}
                    row={(index) => <MessageRow message={reader.message(index)} />}
                  />
                </>
              ) : (
                <p class="hint">Choose a chat.</p>
              )}
            </div>
          </div>
        </>
      )}
    </section>
  );
}
