/**
 * Deterministic benchmark inputs, written once into a cache folder outside the repository and
 * reused while their sizes match: incompressible bytes (AES-256-CTR keystream under a fixed key),
 * chat-log-like text (a seeded generator with varied names, words, numbers and links), and a tree
 * of small files mixing both.
 */
import { createCipheriv } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

const MiB = 1024 ** 2;
/** Bump when a generator changes, so stale caches are never reused. */
const DATA_VERSION = 1;

/** A small, fast, seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomStream(seed: number): (length: number) => Buffer {
  const key = Buffer.alloc(32, 0);
  key.writeUInt32LE(seed, 0);
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16, 0));
  return (length) => cipher.update(Buffer.alloc(length));
}

/** Writes `size` bytes from `next` to `path` atomically (a partial file is never left under the name). */
function writeFile(path: string, size: number, next: (length: number) => Uint8Array): void {
  const temp = `${path}.partial`;
  const fd = openSync(temp, 'w');
  try {
    for (let written = 0; written < size; ) {
      const block = next(Math.min(4 * MiB, size - written));
      writeSync(fd, block, 0, Math.min(block.length, size - written));
      written += Math.min(block.length, size - written);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ra',
  'te',
  'sun',
  'ber',
  'an',
  'do',
  'li',
  'ne',
  'po',
  'gra',
  'stu',
  'vi',
  'el',
  'or',
  'qu',
  'ish',
  'zo',
  'fa',
  'ti',
  'mon',
  'ga',
  'he',
  're',
  'us',
  'ple',
  'ju',
  'cha',
  'wen',
  'ox',
  'yi',
  'dre',
  'ku',
  'sa',
];
const FIRST = [
  'Anna',
  'Ben',
  'Chloé',
  'Dmitri',
  'Emeka',
  'Fatima',
  'Gus',
  'Hana',
  'Iker',
  'Jun',
  'Kofi',
  'Lena',
  'Mateo',
  'Nadia',
  'Olu',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tariq',
  'Uma',
  'Viktor',
  'Wei',
  'Ximena',
  'Yusuf',
  'Zoë',
];
const LAST = ['Smith', 'García', 'Müller', 'Okafor', 'Tanaka', 'Kowalski', 'Nguyen', 'Rossi', 'Haddad', 'Silva'];
const EMOJI = ['😂', '👍', '❤️', '🎉', '😅', '🙏', '🔥', '😮', '🤔', '👀'];

/** A vocabulary of 4,000 word-like tokens; Zipf-like picks make a few very common, most rare. */
function vocabulary(random: () => number): string[] {
  const words = new Set<string>();
  const common = 'the a to and I you it is in of for on that this we me no yes ok lol so but what when are be'.split(
    ' ',
  );
  for (const word of common) words.add(word);
  while (words.size < 4000) {
    const n = 1 + Math.floor(random() * 3.2);
    let word = '';
    for (let i = 0; i < n; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(word);
  }
  return [...words];
}

/** Chat-export-like lines: timestamp, sender, a message of Zipf-distributed words, now and then a number, link or emoji. */
export function chatText(seed: number): (length: number) => Buffer {
  const random = prng(seed);
  const words = vocabulary(random);
  const people = Array.from({ length: 40 }, () => {
    const first = FIRST[Math.floor(random() * FIRST.length)];
    return `${first} ${LAST[Math.floor(random() * LAST.length)]}`;
  });
  // Word ranks are log-uniform (density 1/rank, Zipf's law), as in natural language.
  const logWords = Math.log(words.length);
  const zipf = () => words[Math.floor(Math.exp(random() * logWords)) - 1];
  const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  let time = Date.UTC(2019, 0, 1) / 1000;
  let pending = Buffer.alloc(0);
  let day = -1;
  let dayText = '';
  const line = (): string => {
    time += Math.floor(random() ** 4 * 7200) + 1;
    if (Math.floor(time / 86400) !== day) {
      day = Math.floor(time / 86400);
      const date = new Date(day * 86400_000);
      dayText = `${two(date.getUTCDate())}/${two(date.getUTCMonth() + 1)}/${date.getUTCFullYear()}`;
    }
    const seconds = time % 86400;
    const stamp = `${dayText}, ${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
    const who = people[Math.floor(random() ** 2 * people.length)];
    if (random() < 0.03) {
      return `[${stamp}] ${who}: <attached: ${Math.floor(random() * 1e8)
        .toString()
        .padStart(8, '0')}-PHOTO-${dayText.replaceAll('/', '-')}.jpg>\n`;
    }
    // Mostly short messages (six words on average), now and then a long one.
    const count = 1 + Math.floor(random() ** 3 * 20);
    const parts: string[] = [];
    for (let i = 0; i < count; i++) {
      const x = random();
      if (x < 0.02) parts.push(String(Math.floor(random() * 10000)));
      else if (x < 0.03) parts.push(EMOJI[Math.floor(random() * EMOJI.length)]);
      else if (x < 0.034) {
        parts.push(
          `https://example.org/${Math.floor(random() * 2 ** 32).toString(36)}${Math.floor(random() * 2 ** 32).toString(36)}`,
        );
      } else parts.push(zipf());
    }
    let message = parts.join(' ');
    message = message.charAt(0).toUpperCase() + message.slice(1);
    if (random() < 0.3) message += random() < 0.5 ? '?' : '!';
    return `[${stamp}] ${who}: ${message}\n`;
  };
  return (length) => {
    const lines: string[] = [];
    let size = pending.length;
    while (size < length) {
      const next = line();
      lines.push(next);
      size += Buffer.byteLength(next);
    }
    const all = Buffer.concat([pending, Buffer.from(lines.join(''))]);
    pending = all.subarray(length);
    return all.subarray(0, length);
  };
}

export interface BenchData {
  dir: string;
  random: string;
  text: string;
  tree: string;
  treeFiles: number;
  treeBytes: number;
  /** One file of the tree, for the single-file restore. */
  treeSample: string;
  big?: string;
}

export interface DataSizes {
  random: number;
  text: number;
  treeFiles: number;
  big?: number;
}

function ensureFile(path: string, size: number, make: () => (length: number) => Uint8Array): void {
  if (existsSync(path) && statSync(path).size === size) return;
  writeFile(path, size, make());
}

/** Files per folder in the tree. */
const TREE_FANOUT = 100;

interface TreeFile {
  path: string;
  size: number;
  kind: 'text' | 'random' | 'repetitive';
}

/** The tree's layout: 100 files a folder, four chat-like text files (100 B to 8 KiB) to one photo-like random file (4-32 KiB). */
function treePlan(files: number): TreeFile[] {
  const random = prng(7);
  const plan: TreeFile[] = [];
  for (let i = 0; i < files; i++) {
    const folder = `chat-${Math.floor(i / TREE_FANOUT)
      .toString()
      .padStart(3, '0')}`;
    const photo = i % 5 === 4;
    const size = photo ? 4096 + Math.floor(random() * 28 * 1024) : 100 + Math.floor(random() ** 2 * 8 * 1024);
    const name = `${photo ? 'img' : 'msg'}-${i.toString().padStart(5, '0')}.${photo ? 'jpg' : 'txt'}`;
    plan.push({ path: `${folder}/${name}`, size, kind: photo ? 'random' : 'text' });
  }
  return plan;
}

/**
 * A tree shaped like people's folders (issue 33): sizes lognormal with a median of about 3 KB and
 * a long tail to a few hundred KB; half chat-like text, a quarter random (photos, archives: they
 * do not shrink), a quarter repetitive binary; folders nested unevenly, one to five deep.
 */
function lognormalPlan(files: number): TreeFile[] {
  const random = prng(17);
  // Box–Muller: a standard normal draw from two uniform ones.
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const folders = ['Documents'];
  const plan: TreeFile[] = [];
  for (let i = 0; i < files; i++) {
    if (random() < 0.04) {
      const parent = folders[Math.floor(random() * folders.length)];
      if (parent.split('/').length < 5) folders.push(`${parent}/folder-${folders.length}`);
    }
    const folder = folders[Math.floor(random() ** 0.5 * folders.length)];
    const size = Math.min(768 * 1024, Math.max(16, Math.round(3000 * Math.exp(1.5 * normal()))));
    const draw = random();
    const kind = draw < 0.5 ? 'text' : draw < 0.75 ? 'random' : 'repetitive';
    const extension = kind === 'text' ? 'txt' : kind === 'random' ? 'jpg' : 'dat';
    plan.push({ path: `${folder}/file-${i.toString().padStart(6, '0')}.${extension}`, size, kind });
  }
  return plan;
}

/** Binary that compresses well: a short random pattern repeated, with a byte changed here and there. */
function repetitiveStream(seed: number): (length: number) => Uint8Array {
  const random = prng(seed);
  return (length) => {
    const pattern = Uint8Array.from({ length: 64 + Math.floor(random() * 192) }, () => Math.floor(random() * 256));
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = pattern[i % pattern.length];
    for (let i = 0; i < length / 97; i++) bytes[Math.floor(random() * length)] = Math.floor(random() * 256);
    return bytes;
  };
}

function ensureTree(root: string, plan: TreeFile[]): void {
  // The marker lives beside the tree, so the tree itself holds exactly the planned files.
  const marker = `${root}.complete`;
  if (existsSync(marker)) return;
  rmSync(root, { recursive: true, force: true });
  const makers = { text: chatText(11), random: randomStream(13), repetitive: repetitiveStream(19) };
  for (const file of plan) {
    const path = join(root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(path, 'w');
    writeSync(fd, makers[file.kind](file.size));
    closeSync(fd);
  }
  closeSync(openSync(marker, 'w'));
}

export function prepareData(cacheDir: string, sizes: DataSizes, log: (line: string) => void): BenchData {
  const dir = join(cacheDir, `v${DATA_VERSION}`);
  mkdirSync(dir, { recursive: true });
  const random = join(dir, `random-${sizes.random}.bin`);
  const text = join(dir, `chat-${sizes.text}.txt`);
  const tree = join(dir, `tree-${sizes.treeFiles}`);
  log(`inputs in ${dir} (made once, then reused)`);
  ensureFile(random, sizes.random, () => randomStream(1));
  ensureFile(text, sizes.text, () => chatText(2));
  const plan = treePlan(sizes.treeFiles);
  ensureTree(tree, plan);
  let big: string | undefined;
  if (sizes.big) {
    big = join(dir, `random-${sizes.big}.bin`);
    ensureFile(big, sizes.big, () => randomStream(3));
  }
  return {
    dir,
    random,
    text,
    tree,
    treeFiles: plan.length,
    treeBytes: plan.reduce((sum, file) => sum + file.size, 0),
    treeSample: plan[Math.floor(plan.length / 2)].path,
    big,
  };
}

type MadeTree = { tree: string; treeFiles: number; treeBytes: number };

/** The tree `name` from `plan`, made once in the cache. */
function madeOnce(cacheDir: string, name: string, plan: TreeFile[], log: (line: string) => void): MadeTree {
  const dir = join(cacheDir, `v${DATA_VERSION}`);
  mkdirSync(dir, { recursive: true });
  const tree = join(dir, name);
  if (!existsSync(`${tree}.complete`)) log(`making ${name} (${plan.length} files) in ${tree} (once)`);
  ensureTree(tree, plan);
  return { tree, treeFiles: plan.length, treeBytes: plan.reduce((sum, file) => sum + file.size, 0) };
}

/** A tree of `files` small files laid out like the bench tree (for the 100,000-file tier), made once. */
export function prepareTree(cacheDir: string, files: number, log: (line: string) => void): MadeTree {
  return madeOnce(cacheDir, `tree-${files}`, treePlan(files), log);
}

/** The lognormal tree of `files` files (lognormalPlan), made once. */
export function prepareLognormalTree(cacheDir: string, files: number, log: (line: string) => void): MadeTree {
  return madeOnce(cacheDir, `lognormal-${files}`, lognormalPlan(files), log);
}
