/** Shared pieces of the benchmark: repeated measurements, process memory from /proc, timed commands. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const MB = 1e6;
export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;

/** One measured figure: every sample, its median and range. */
export interface Figure {
  unit: string;
  samples: number[];
  median: number;
  min: number;
  max: number;
  /** Anything else a row wants to report (compression ratio, sizes, memory). */
  extra?: Record<string, number>;
}

export function figure(unit: string, samples: number[], extra?: Record<string, number>): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { unit, samples, median, min: sorted[0], max: sorted[sorted.length - 1], extra };
}

/** One timed run: seconds taken, and optionally the bytes it processed and other figures. */
export interface Run {
  seconds: number;
  bytes?: number;
  extra?: Record<string, number>;
}

/**
 * Runs `once` `repeats` times and reports MB/s (when bytes are given) or the time in
 * `timeUnit`. Extra figures are reported as their medians across runs.
 */
export async function repeat(
  repeats: number,
  once: (attempt: number) => Promise<Run>,
  timeUnit: 'ms' | 's' = 's',
): Promise<Figure> {
  const runs: Run[] = [];
  for (let i = 0; i < repeats; i++) runs.push(await once(i));
  const extras: Record<string, number> = {};
  for (const key of new Set(runs.flatMap((run) => Object.keys(run.extra ?? {})))) {
    extras[key] = figure(
      '',
      runs.map((run) => run.extra?.[key]).filter((v): v is number => v !== undefined),
    ).median;
  }
  const extra = Object.keys(extras).length > 0 ? extras : undefined;
  if (runs.every((run) => run.bytes !== undefined)) {
    return figure(
      'MB/s',
      runs.map((run) => (run.bytes as number) / MB / run.seconds),
      extra,
    );
  }
  const scale = timeUnit === 'ms' ? 1000 : 1;
  return figure(
    timeUnit,
    runs.map((run) => run.seconds * scale),
    extra,
  );
}

export function now(): number {
  return performance.now() / 1000;
}

function statusField(pid: number, field: string): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export function residentBytes(pid: number): number {
  return statusField(pid, 'VmRSS') ?? 0;
}

export function peakResidentBytes(pid: number): number {
  return statusField(pid, 'VmHWM') ?? 0;
}

export interface CommandResult {
  seconds: number;
  /** The command's own peak resident memory (VmHWM), read from /proc while it ran. */
  peakRss: number;
  stdout: string;
}

/**
 * Runs a command to completion and times it from spawn to exit. Its peak RSS is read from
 * /proc/PID/status (VmHWM) every 20 ms, so a peak in its last few milliseconds can be missed.
 */
export function timedCommand(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; stdin?: string; keepStdout?: boolean } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const started = now();
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let peakRss = 0;
    const pid = child.pid as number;
    const timer = setInterval(() => {
      peakRss = Math.max(peakRss, peakResidentBytes(pid));
    }, 20);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (data: Buffer) => {
      if (options.keepStdout) stdout.push(data);
    });
    child.stderr?.on('data', (data: Buffer) => stderr.push(data));
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      const seconds = now() - started;
      clearInterval(timer);
      if (code !== 0) {
        reject(
          new Error(`${command} ${args.join(' ')} failed (${code ?? signal}): ${Buffer.concat(stderr).toString()}`),
        );
      } else resolve({ seconds, peakRss, stdout: Buffer.concat(stdout).toString() });
    });
  });
}

/** Samples a set of processes' summed RSS until stopped; reports the peak above the starting level. */
export function sampleRss(pids: () => number[], intervalMs = 50): { stop(): { baseline: number; peak: number } } {
  const total = () => pids().reduce((sum, pid) => sum + residentBytes(pid), 0);
  const baseline = total();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, total());
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, total());
      return { baseline, peak };
    },
  };
}

/**
 * Like `repeat` for several commands measured side by side: each attempt runs every one of them
 * in turn, so that a change in the machine's load during the run falls on all of them alike.
 */
export async function repeatTogether(
  repeats: number,
  runs: Record<string, ((attempt: number) => Promise<Run>) | undefined>,
): Promise<Record<string, Figure>> {
  const samples: Record<string, Run[]> = {};
  const keys = Object.keys(runs).filter((key) => runs[key] !== undefined);
  for (const key of keys) samples[key] = [];
  for (let i = 0; i < repeats; i++)
    for (const key of keys) samples[key].push(await (runs[key] as (attempt: number) => Promise<Run>)(i));
  const out: Record<string, Figure> = {};
  for (const key of keys) out[key] = await repeat(samples[key].length, async (i) => samples[key][i]);
  return out;
}
