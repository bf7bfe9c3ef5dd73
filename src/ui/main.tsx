import { render } from 'preact';
import { chatsWorker } from '../whatsapp/ui/chats/client.ts';
import { App } from './app/App.tsx';
import { coffer } from './shared/client.ts';
import { removeStaleTemps } from './shared/download.ts';
import { preloadStrength } from './shared/strength.ts';
import { purgeUnprotected } from './vault/remembered-key.ts';
import './styles/index.css';

render(<App />, document.getElementById('app') as HTMLElement);
void removeStaleTemps();
// A remembered key from before device passphrases opens from the profile alone: delete it.
void purgeUnprotected();
// Everything the app will ever load is fetched right after start-up, so that a backup or a
// restore later makes no network request at all (and works if the network is gone meanwhile).
setTimeout(() => {
  coffer.warmUp();
  chatsWorker.warmUp();
  preloadStrength();
}, 0);
