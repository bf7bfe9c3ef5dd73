/**
 * The cost of fresh memory, which every step that allocates per chunk pays (browser.io.memFresh):
 * touch each page of new `chunk`-sized buffers (dropped at once) for `size` bytes, then of one
 * buffer used over and over (memReused). Seconds for `size` bytes.
 */
const seconds = () => performance.now() / 1000;
const PAGE = 4096;

export function touchFreshPages(size: number, chunk: number): number {
  const start = seconds();
  for (let done = 0; done < size; done += chunk) {
    const fresh = new Uint8Array(chunk);
    for (let page = 0; page < chunk; page += PAGE) fresh[page] = 1;
  }
  return seconds() - start;
}

export function touchReusedPages(size: number, chunk: number): number {
  const reused = new Uint8Array(chunk);
  // One pass can take less than the timer's resolution (a quick run's input read 0 s, so an
  // infinite rate): passes repeat for at least 20 ms, and the time of one is reported.
  let passes = 0;
  const start = seconds();
  do {
    for (let done = 0; done < size; done += chunk) {
      for (let page = 0; page < chunk; page += PAGE) reused[page] = passes;
    }
    passes++;
  } while (seconds() - start < 0.02);
  return (seconds() - start) / passes;
}
