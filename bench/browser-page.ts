/** How the benchmark talks to its page: the page's methods, what every group of rows is given, and the renderers to watch. */
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { BenchData } from './data.ts';
import type { Figure, sampleRss } from './lib.ts';
import type { TreeIoVariant } from './page/tree-io.ts';

export type Bench = {
  create(o: {
    input: string;
    name: string;
    compress: boolean;
    /** Repair data in percent (spec 11), spilled to a private-storage file as the app does. */
    parity?: number;
  }): Promise<{ seconds: number; bytes: number; size: number }>;
  restore(o: {
    name: string;
    folder: string;
    only?: string;
    zip?: boolean;
  }): Promise<{ seconds: number; listSeconds: number; bytes: number; entries: number }>;
  createSameSize(o: { bytes: number; name: string }): Promise<void>;
  downloadPath(o: { input: string; coffer: boolean }): Promise<{ bytes: number; size: number }>;
  treeIo(variant: TreeIoVariant, timeoutSeconds: number): Promise<Record<string, number>>;
  clear(): Promise<void>;
  reference(request: Record<string, unknown>): Promise<Record<string, number>>;
};

export function call<K extends keyof Bench>(
  page: Page,
  method: K,
  ...args: Parameters<Bench[K]>
): ReturnType<Bench[K]> {
  return page.evaluate(
    ([name, rest]) =>
      (
        (window as unknown as { bench: Record<string, (...a: unknown[]) => Promise<unknown>> }).bench[name] as (
          ...a: unknown[]
        ) => Promise<unknown>
      )(...rest),
    [method, args] as const,
  ) as ReturnType<Bench[K]>;
}

export interface PageBench {
  page: Page;
  data: BenchData;
  repeats: number;
  log: (line: string) => void;
  record: (name: string, value: Figure) => void;
  /** Samples the renderers' memory until stop() (baseline and peak). */
  memory: () => ReturnType<typeof sampleRss>;
  /** Rows that could not run here, with the reason. */
  skipped: string[];
}

/** PIDs of this browser's renderers: the only processes that run page and worker code. */
export function rendererPids(profile: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (args.includes('--type=renderer') && args.includes(profile)) pids.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}
