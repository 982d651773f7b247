export interface Bar {
  label: string;
  /** Stacked parts, drawn in order. */
  parts: Array<{ value: number; className: string; name: string }>;
}

/** Horizontal stacked bars in plain SVG; the numbers are also in the table beside it for screen readers. */
export function BarChart({
  bars,
  title,
  max: fixedMax,
  testId,
}: {
  bars: Bar[];
  title: string;
  /** The value of a full bar (100 for percentages); default: the longest bar. */
  max?: number;
  testId?: string;
}) {
  const max = fixedMax ?? Math.max(1, ...bars.map((b) => b.parts.reduce((s, p) => s + p.value, 0)));
  const rowH = 28;
  const labelW = 170;
  const width = 600;
  const height = bars.length * rowH + 10;
  return (
    <svg viewBox={`0 0 ${width} ${height}`} class="chart" role="img" aria-label={title} data-testid={testId}>
      {bars.map((b, i) => {
        let x = labelW;
        const y = i * rowH + 5;
        return (
          <g key={b.label}>
            <text x={labelW - 6} y={y + 16} text-anchor="end" class="chart-label">
              {b.label.length > 22 ? `${b.label.slice(0, 21)}…` : b.label}
            </text>
            {b.parts.map((p) => {
              const w = (p.value / max) * (width - labelW - 10);
              const rect = (
                <rect key={p.name} x={x} y={y} width={Math.max(0, w)} height={rowH - 8} class={p.className}>
                  <title>{`${b.label} — ${p.name}: ${p.value}`}</title>
                </rect>
              );
              x += w;
              return rect;
            })}
          </g>
        );
      })}
    </svg>
  );
}
