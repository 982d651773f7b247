/** Nearest-rank percentiles of latencies in ms; nulls when nothing was measured. */
export function distribution(values: readonly number[]): {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
} {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const at = (q: number) => (n === 0 ? null : sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!);
  return { count: n, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: n === 0 ? null : sorted[n - 1]! };
}
