/** Everything the CLI prints besides results: warnings, notes, progress, and number formats. */

export interface Ui {
  quiet: boolean;
  /** A note for the person (stderr); suppressed by --quiet. */
  note(message: string): void;
  /** Always shown, even with --quiet. */
  warn(message: string): void;
  /** A progress line, redrawn in place; only when stderr is a terminal and not quiet. */
  progress(text: string): void;
  clearProgress(): void;
}

export function createUi(quiet = false): Ui {
  const live = Boolean(process.stderr.isTTY) && !quiet;
  let shown = false;
  let last = 0;
  const clear = () => {
    if (shown) {
      process.stderr.write('\r\x1b[K');
      shown = false;
    }
  };
  return {
    quiet,
    note(message) {
      if (quiet) return;
      clear();
      process.stderr.write(`${message}\n`);
    },
    warn(message) {
      clear();
      process.stderr.write(`coffer: warning: ${message}\n`);
    },
    progress(text) {
      if (!live) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const width = Math.max(20, (process.stderr.columns ?? 80) - 1);
      process.stderr.write(`\r\x1b[K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      shown = true;
    },
    clearProgress: clear,
  };
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** 0 B, 999 B, 1.0 KiB, 12.3 MiB, ... */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = value >= 100 || Number.isInteger(value) ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** ISO-8601 in UTC, or null when the backup holds a date outside what a Date can hold. */
export function isoDate(ms: number): string | null {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** `YYYY-MM-DD HH:MM` in local time, for people. */
export function localDate(ms: number): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return '????-??-?? ??:??';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function percent(done: number, total: number): string {
  if (total <= 0) return '';
  return `${Math.min(100, Math.floor((done / total) * 100))}%`;
}

/** ", 123 MiB/s" for runs long enough for a rate to mean something; otherwise nothing. */
export function rate(bytes: number, startedAt: number): string {
  const seconds = (Date.now() - startedAt) / 1000;
  return seconds >= 1 ? `, ${humanSize(bytes / seconds)}/s` : '';
}
