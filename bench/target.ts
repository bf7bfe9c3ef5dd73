/** A target of the benchmark's report: one figure against a limit, met or not. */
export interface Target {
  name: string;
  measured: string;
  required: string;
  /** null when a figure it needs was not measured (a tool missing, a part skipped). */
  met: boolean | null;
  value?: number;
}

/**
 * The target "x / y is at least (or at most) `limit`": speeds compare with `atLeast`, times
 * with `atMost`. Not measured (met: null) when either figure is missing.
 */
export function ratioTarget(
  name: string,
  x: number | undefined,
  y: number | undefined,
  limit: number,
  direction: 'atLeast' | 'atMost',
  limitLabel = '',
): Target {
  const required = `${direction === 'atLeast' ? '>=' : '<='} ${limit}x${limitLabel}`;
  if (x === undefined || y === undefined) return { name, measured: '-', required, met: null };
  const value = x / y;
  const met = direction === 'atLeast' ? value >= limit : value <= limit;
  return { name, measured: `${value.toFixed(2)}x`, required, met, value };
}

/** The target "grows memory by at most `limitMiB`", from a growth measured in MiB (null when not measured). */
export function memoryTarget(name: string, growthMiB: number | undefined, limitMiB = 300): Target {
  return {
    name,
    measured: growthMiB === undefined ? '-' : `${growthMiB.toFixed(0)} MiB`,
    required: `<= ${limitMiB} MiB`,
    met: growthMiB === undefined ? null : growthMiB <= limitMiB,
    value: growthMiB,
  };
}
