/** Memory of the Chromium renderers that belong to one test's browser, read from /proc. */
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
 * Resident memory of this test's Chromium renderers (the page and its workers live there), in
 * bytes: only processes under the browser started with this test's profile, so other browsers
 * on the machine do not count.
 */
export function rendererRss(profileDir: string): number {
  const all = processes();
  const browser = all.find((p) => p.args.includes(`--user-data-dir=${profileDir}`) && !p.args.includes('--type='));
  if (!browser) throw new Error('the test browser process was not found');
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
  let total = 0;
  for (const p of all) {
    if (!ours.has(p.pid) || !p.args.includes('--type=renderer')) continue;
    try {
      const status = readFileSync(`/proc/${p.pid}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      // The process ended between ps and the read.
    }
  }
  return total;
}

export function sampleMemory(profileDir: string): { stop(): number } {
  const baseline = rendererRss(profileDir);
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, rendererRss(profileDir));
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return peak - baseline;
    },
  };
}
