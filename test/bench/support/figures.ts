import { loadavg } from 'node:os';

/** Least-squares slope of y over x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Prints the benchmark's single JSON line. The machine is shared: the 1-minute load average goes with
 * every result so a noisy figure can be recognised as such.
 */
export function printFigures(figures: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ ...figures, loadAvg1: round(loadavg()[0] ?? 0, 2) })}\n`);
}

/** Progress for a human, on stderr, so stdout stays one JSON line. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
