/**
 * The few file-descriptor calls the small-file paths make, as promises over node:fs's callback
 * API. For thousands of small files the per-call overhead is what counts: a FileHandle is an
 * object with its own close tracking and GC work, a bare descriptor is a number.
 */
import { close, fchmod, fdatasync, futimes, open, read, writev } from 'node:fs';

type Callback<T> = (error: NodeJS.ErrnoException | null, value: T) => void;

function call<T>(start: (done: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value))));
}

export const openFd = (path: string, flags: string, mode?: number) =>
  call<number>((done) => open(path, flags, mode, done));

export const closeFd = (fd: number) => call<void>((done) => close(fd, (error) => done(error, undefined)));

export const readFd = (fd: number, buffer: Uint8Array, offset: number, length: number, position: number) =>
  call<number>((done) => read(fd, buffer, offset, length, position, done));

export const datasyncFd = (fd: number) => call<void>((done) => fdatasync(fd, (error) => done(error, undefined)));

export const utimesFd = (fd: number, date: Date) =>
  call<void>((done) => futimes(fd, date, date, (error) => done(error, undefined)));

export const chmodFd = (fd: number, mode: number) =>
  call<void>((done) => fchmod(fd, mode, (error) => done(error, undefined)));

/** Writes all of `pieces` at the descriptor's position, in one system call when it can. */
export async function writeAllFd(fd: number, pieces: readonly Uint8Array[]): Promise<void> {
  let rest = pieces.filter((piece) => piece.length > 0);
  while (rest.length > 0) {
    const views = rest;
    let written = await call<number>((done) => writev(fd, views, null, done));
    const left: Uint8Array[] = [];
    for (const piece of rest) {
      if (written >= piece.length) written -= piece.length;
      else {
        left.push(piece.subarray(written));
        written = 0;
      }
    }
    rest = left;
  }
}

/** Reads until `buffer` is full or the file ends; returns how many bytes were read. */
export async function readFullyFd(fd: number, buffer: Uint8Array, position: number): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const got = await readFd(fd, buffer, filled, buffer.length - filled, position + filled);
    if (got === 0) break;
    filled += got;
  }
  return filled;
}
