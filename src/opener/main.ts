/**
 * The offline opener's page: plain DOM, no framework, so the one file stays small. Every step
 * runs on this thread (see session.ts); before each long step the status is painted first.
 */

import zstdWasm from 'opener:zstd-wasm';
import type { Header, IndexEntry, OpenedBackup, RestoreProgress } from '../core/index.ts';
import { keyFromKit } from '../core/recovery-kit.ts';
import { provideZstdWasm } from '../core/zstd.ts';
import { formatBytes } from '../ui/shared/format.ts';
import { friendlyError } from '../ui/shared/messages.ts';
import { saveAll, saveOne } from './save.ts';
import { describeWays, inspect, unlock, waysIn } from './session.ts';

// Backups made by the app use zstd (spec 5.6); its WebAssembly is inside this file.
provideZstdWasm(zstdWasm);

function element<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

const ui = {
  notStarted: element('not-started'),
  pick: element('pick'),
  file: element<HTMLInputElement>('backup-file'),
  unlock: element('unlock'),
  unlockTitle: element('unlock-title'),
  slots: element('slots'),
  form: element<HTMLFormElement>('unlock-form'),
  passphraseField: element('passphrase-field'),
  passphrase: element<HTMLInputElement>('passphrase'),
  recoveryField: element('recovery-field'),
  recoveryKey: element<HTMLInputElement>('recovery-key'),
  kitFile: element<HTMLInputElement>('kit-file'),
  unlockButton: element<HTMLButtonElement>('unlock-button'),
  contents: element('contents'),
  contentsTitle: element('contents-title'),
  summary: element('summary'),
  restoreAll: element<HTMLButtonElement>('restore-all'),
  entries: element<HTMLUListElement>('entries'),
  status: element('status'),
  problem: element('problem'),
};

let current: { file: File; header: Header } | undefined;
let opened: OpenedBackup | undefined;
let busy = false;

function say(text: string): void {
  ui.status.textContent = text;
}

function showProblem(error: unknown): void {
  const friendly = friendlyError(error instanceof Error ? error : new Error(String(error)));
  ui.problem.replaceChildren();
  for (const text of [friendly.headline, friendly.detail, friendly.advice]) {
    if (!text) continue;
    const p = document.createElement('p');
    p.textContent = text;
    ui.problem.append(p);
  }
  say('');
}

function clearProblem(): void {
  ui.problem.replaceChildren();
}

/** Lets the browser paint the status before a step that holds this thread (Argon2id). */
function painted(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

/** Runs one step at a time; buttons are disabled meanwhile so nothing runs twice. */
async function step(work: () => Promise<void>): Promise<void> {
  if (busy) return;
  busy = true;
  for (const button of document.querySelectorAll('button')) button.disabled = true;
  clearProblem();
  try {
    await work();
  } catch (error) {
    showProblem(error);
  } finally {
    busy = false;
    for (const button of document.querySelectorAll('button')) button.disabled = false;
  }
}

function progressText(verb: string, progress: RestoreProgress): string {
  const share = progress.bytesTotal > 0 ? Math.floor((progress.bytesDone / progress.bytesTotal) * 100) : 100;
  return `${verb}… ${share}% (${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal)})`;
}

function throttled(verb: string): (progress: RestoreProgress) => void {
  let last = 0;
  return (progress) => {
    const now = performance.now();
    if (now - last < 200) return;
    last = now;
    say(progressText(verb, progress));
  };
}

async function chooseBackup(file: File): Promise<void> {
  opened = undefined;
  current = undefined;
  ui.unlock.hidden = true;
  ui.contents.hidden = true;
  const header = await inspect(file);
  current = { file, header };
  const ways = waysIn(header);
  ui.unlockTitle.textContent = `Unlock ${file.name}`;
  ui.slots.textContent = describeWays(ways);
  ui.passphraseField.hidden = !ways.passphrase;
  ui.recoveryField.hidden = !ways.recoveryKey;
  ui.unlockButton.hidden = !ways.passphrase && !ways.recoveryKey;
  ui.passphrase.value = '';
  ui.recoveryKey.value = '';
  ui.unlock.hidden = false;
  say('');
  (ways.passphrase ? ui.passphrase : ui.recoveryKey).focus();
}

async function unlockBackup(): Promise<void> {
  if (!current) return;
  say('Unlocking… (a passphrase takes a few seconds; the page may not respond meanwhile)');
  await painted();
  const backup = await unlock(current.file, current.header, {
    passphrase: ui.passphrase.value,
    recoveryKey: ui.recoveryKey.value,
  });
  ui.passphrase.value = '';
  ui.recoveryKey.value = '';
  opened = backup;
  showContents(current.file.name, backup);
  say('Unlocked.');
}

function entryRow(entry: IndexEntry): HTMLLIElement {
  const row = document.createElement('li');
  const name = document.createElement('span');
  name.className = 'path';
  name.textContent = entry.type === 'dir' ? `${entry.path}/` : entry.path;
  row.append(name);
  if (entry.type === 'file') {
    const size = document.createElement('span');
    size.className = 'size';
    size.textContent = formatBytes(entry.size);
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary';
    button.textContent = 'Download';
    button.setAttribute('aria-label', `Download ${entry.path}`);
    button.addEventListener('click', () => step(() => downloadOne(entry)));
    row.append(size, button);
  }
  return row;
}

function showContents(fileName: string, backup: OpenedBackup): void {
  const files = backup.entries.filter((entry) => entry.type === 'file').length;
  ui.contentsTitle.textContent = `Contents of ${fileName}`;
  ui.summary.textContent = `${files} ${files === 1 ? 'file' : 'files'}, ${formatBytes(backup.totalSize)}.`;
  ui.entries.replaceChildren(...backup.entries.map(entryRow));
  ui.unlock.hidden = true;
  ui.contents.hidden = false;
}

async function downloadOne(entry: IndexEntry): Promise<void> {
  if (!opened) return;
  await saveOne(opened, entry, throttled(`Restoring ${entry.path}`));
  say(`Restored ${entry.path} (${formatBytes(entry.size)}).`);
}

async function downloadAll(): Promise<void> {
  if (!opened || !current) return;
  const name = `${current.file.name.replace(/\.coffer$/i, '') || 'backup'}.zip`;
  await saveAll(opened, name, throttled('Restoring'));
  say(`Restored everything into ${name}: every chunk was checked.`);
}

ui.file.addEventListener('change', () => {
  const file = ui.file.files?.[0];
  if (file) void step(() => chooseBackup(file));
});
ui.kitFile.addEventListener('change', () => {
  const kit = ui.kitFile.files?.[0];
  ui.kitFile.value = '';
  // A kit is small text; anything large is not one, so it is never read whole.
  if (!kit || kit.size > 64 * 1024) return;
  void kit.text().then((text) => {
    ui.recoveryKey.value = keyFromKit(text) ?? text.trim();
  });
});
ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  void step(unlockBackup);
});
ui.restoreAll.addEventListener('click', () => step(downloadAll));

ui.notStarted.hidden = true;
ui.pick.hidden = false;
