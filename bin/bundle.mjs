// Where the command-line bundle lives and whether it still matches the sources it was built from.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const bundlePath = `${root}build/cli/coffer.mjs`;

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function bundleIsFresh() {
  if (!existsSync(bundlePath)) return false;
  const built = statSync(bundlePath).mtimeMs;
  const sources = Math.max(
    newestSource(`${root}src/cli`),
    newestSource(`${root}src/core`),
    newestSource(`${root}src/whatsapp`),
    newestSource(`${root}src/remote`),
    statSync(`${root}package-lock.json`).mtimeMs,
  );
  return built > sources;
}
