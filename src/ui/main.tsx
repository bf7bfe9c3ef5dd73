import { render } from 'preact';
import { App } from './app/App.tsx';
import { removeStaleTemps } from './shared/download.ts';
import './styles.css';

render(<App />, document.getElementById('app') as HTMLElement);
void removeStaleTemps();
