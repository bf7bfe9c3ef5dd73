/** Memory of the browser processes that belong to one test's browser, read from /proc. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface ProcessInfo {
  pid: number;
  ppid: number;
  args: string;
}

function processes(): ProcessInfo[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), args: match[3] }));
}

/**
 * Resident memory, in bytes, of each process where this test's pages and workers may live, read
 * from /proc: only processes under the browser started with this test's profile, so other browsers
 * on the machine do not count. Chromium: its renderers. Firefox: the browser and every process it
 * started (content, utility, socket).
 */
function browserProcessRss(profileDir: string): { chromium: boolean; rss: Map<number, number> } {
  const all = processes();
  const browser = all.find(
    (p) => p.args.includes(profileDir) && !p.args.includes('--type=') && !p.args.includes('-contentproc'),
  );
  if (!browser) throw new Error('the test browser process was not found');
  const chromium = browser.args.includes('--user-data-dir=');
  const ours = new Set([browser.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!ours.has(p.pid) && ours.has(p.ppid)) {
        ours.add(p.pid);
        grew = true;
      }
    }
  }
  const rss = new Map<number, number>();
  for (const p of all) {
    if (!ours.has(p.pid) || (chromium && !p.args.includes('--type=renderer'))) continue;
    try {
      const status = readFileSync(`/proc/${p.pid}/status`, 'utf8');
      rss.set(p.pid, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024);
    } catch {
      // The process ended between ps and the read.
    }
  }
  return { chromium, rss };
}

const sum = (values: Iterable<number>) => [...values].reduce((total, value) => total + value, 0);

/**
 * Samples memory every 100 ms until `stop`, which returns the growth in bytes. Chromium: of its
 * renderers together (the page and its workers share them). Firefox: of the one process that grew
 * most, which is the page's content process (the measure); the browser starts and ends
 * spare content processes of its own as it goes, so their sum says little about the page.
 */
export function sampleMemory(profileDir: string): { stop(): number } {
  const first = browserProcessRss(profileDir);
  const baseline = new Map(first.rss);
  const peak = new Map(first.rss);
  let peakSum = sum(first.rss.values());
  const sample = () => {
    const { rss } = browserProcessRss(profileDir);
    peakSum = Math.max(peakSum, sum(rss.values()));
    for (const [pid, bytes] of rss) {
      if (!baseline.has(pid)) baseline.set(pid, bytes); // started since: its growth counts from here
      peak.set(pid, Math.max(peak.get(pid) ?? 0, bytes));
    }
  };
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      if (first.chromium) return peakSum - sum(first.rss.values());
      return Math.max(0, ...[...peak].map(([pid, bytes]) => bytes - (baseline.get(pid) ?? bytes)));
    },
  };
}
