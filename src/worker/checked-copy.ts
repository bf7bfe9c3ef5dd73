/**
 * A backup checked after writing, streamed into its download while the check runs (issue 30).
 * The check needs the written file, so the backup is staged first; then its bytes go into the
 * download as the check reads them back, instead of after it. The download ends only once the
 * check has passed: a failed check fails the download, so a backup that did not check out never
 * arrives looking complete.
 */
import { streamSink } from './stream-sink.ts';

/** Read from the staged file this much at a time (the stream sink's own batch size). */
const PIECE = 4 * 1024 * 1024;

/**
 * Copies `file` into the download on `port`, ending it once `check` settles: finished if it
 * passed, failed (at once, even midway) if it did not. Rejects with the check's error first,
 * else with the copy's (a download cancelled in the browser).
 */
export async function streamWhileChecking(file: Blob, port: MessagePort, check: Promise<void>): Promise<void> {
  const out = streamSink(port);
  // A failed check stops the copy at once; the download is marked failed.
  check.catch(() => out.abort());
  const copy = (async () => {
    for (let offset = 0; offset < file.size; offset += PIECE) {
      await out.write(new Uint8Array(await file.slice(offset, offset + PIECE).arrayBuffer()));
    }
  })();
  const [copied, checked] = await Promise.allSettled([copy, check]);
  if (checked.status === 'rejected') throw checked.reason;
  if (copied.status === 'rejected') {
    await out.abort();
    throw copied.reason;
  }
  // The last bytes and the end go only now: until then the download cannot complete.
  await out.close();
}
