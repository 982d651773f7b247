import { vnTime } from '../i18n.js';

/**
 * One metric over time in plain SVG (no chart library, as the other charts): a line, the lowest and
 * highest values on the left and the first and last instants below. The label says the same in words
 * for screen readers.
 */
export function LineChart({
  points,
  title,
  unit,
  testId,
}: {
  points: ReadonlyArray<readonly [number, number]>;
  title: string;
  unit: string;
  testId?: string;
}) {
  const width = 600;
  const height = 160;
  const left = 72;
  const bottom = 20;
  if (points.length === 0) return null;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs, x0 + 1);
  const lo = Math.min(...ys);
  const hi = Math.max(...ys, lo + 1);
  const x = (v: number) => left + ((v - x0) / (x1 - x0)) * (width - left - 8);
  const y = (v: number) => 8 + (1 - (v - lo) / (hi - lo)) * (height - bottom - 16);
  const fmt = (v: number) => `${Math.round(v * 10) / 10}${unit}`;
  const last = ys.at(-1) ?? 0;
  const summary = `${title}: ${fmt(lo)} – ${fmt(hi)}, ${fmt(last)} (${vnTime(x1)})`;
  return (
    <svg viewBox={`0 0 ${width} ${height}`} class="chart line" role="img" aria-label={summary} data-testid={testId}>
      <text x={left - 6} y={y(hi) + 4} text-anchor="end" class="chart-label">
        {fmt(hi)}
      </text>
      <text x={left - 6} y={y(lo) + 4} text-anchor="end" class="chart-label">
        {fmt(lo)}
      </text>
      <line x1={left} x2={left} y1={4} y2={height - bottom} class="chart-axis" />
      <polyline
        points={points.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ')}
        class="chart-line"
        fill="none"
      />
      <text x={left} y={height - 4} class="chart-label">
        {vnTime(x0)}
      </text>
      <text x={width - 8} y={height - 4} text-anchor="end" class="chart-label">
        {vnTime(x1)}
      </text>
    </svg>
  );
}
