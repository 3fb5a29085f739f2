/** A tiny inline line of weekly counts; the highlighted point is drawn as a dot. */
export function Sparkline({
  values,
  highlight,
  width = 120,
  height = 28,
  label,
}: {
  values: readonly number[];
  highlight?: number;
  width?: number;
  height?: number;
  label: string;
}) {
  if (values.length === 0) return <span className="muted">—</span>;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? (width - 6) / (values.length - 1) : 0;
  const pt = (v: number, i: number) => [3 + i * step, height - 3 - (v / max) * (height - 6)] as const;
  const d = values.map((v, i) => `${i ? 'L' : 'M'}${pt(v, i)[0].toFixed(1)},${pt(v, i)[1].toFixed(1)}`).join(' ');
  const h = highlight !== undefined && highlight >= 0 && highlight < values.length ? pt(values[highlight], highlight) : null;
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <path d={d} fill="none" stroke="#1d4ed8" strokeWidth="1.5" />
      {h && <circle cx={h[0]} cy={h[1]} r="3" fill="#b91c1c" />}
    </svg>
  );
}
