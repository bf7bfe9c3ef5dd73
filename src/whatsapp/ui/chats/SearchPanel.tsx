/** "Search messages" across every chat; each result (chat, sender, date, text) opens its chat there. */
import { useState } from 'preact/hooks';
import type { SearchHit } from '../../core/chats/types.ts';
import { when } from './MessageRow.tsx';

export interface SearchProps {
  hits?: SearchHit[];
  searching: boolean;
  onSearch: (text: string) => void;
  onOpen: (hit: SearchHit) => void;
}

export function SearchPanel({ hits, searching, onSearch, onOpen }: SearchProps) {
  const [text, setText] = useState('');
  return (
    <div class="chat-search">
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          onSearch(text);
        }}
      >
        <label>
          Search messages
          <input type="search" value={text} onInput={(event) => setText(event.currentTarget.value)} />
        </label>
        <button type="submit" class="secondary" disabled={searching}>
          Search
        </button>
      </form>
      {hits && (
        <div>
          <p role="status">
            {hits.length === 0
              ? 'No message contains that.'
              : `${hits.length}${hits.length >= 200 ? '+' : ''} ${hits.length === 1 ? 'message' : 'messages'} found.`}
          </p>
          <ul class="search-hits" aria-label="Search results">
            {hits.map((hit) => (
              <li key={hit.message.id}>
                <button type="button" class="link" onClick={() => onOpen(hit)}>
                  <span class="chat-name" dir="auto">
                    {hit.chatName}
                  </span>{' '}
                  · <span dir="auto">{hit.message.sender}</span> · <time>{when(hit.message.time)}</time>
                  <br />
                  <span dir="auto">{hit.message.text}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
