import { textOn } from './chart';

export interface HeatRow {
  key: string;
  label: string;
  flag?: string;
}
export interface HeatCol {
  key: string;
  label: string;
}
export interface HeatCell {
  color: string;
  text: string;
  sub?: string;
  /** Shown with a hatch: present but below the sample minimum. */
  hatched?: boolean;
  title: string;
}

/**
 * A grid of colored cells drawn as SVG, so the chart export treats it like any other chart.
 * Cells are keyboard-reachable buttons (role) when clickable.
 */
export function HeatMap({
  rows,
  cols,
  cell,
  onCellClick,
  labelWidth = 220,
  flagWidth = 60,
  cellWidth = 96,
  cellHeight = 36,
  ariaLabel,
}: {
  rows: readonly HeatRow[];
  cols: readonly HeatCol[];
  cell: (row: string, col: string) => HeatCell | null;
  onCellClick?: (row: string, col: string) => void;
  labelWidth?: number;
  flagWidth?: number;
  cellWidth?: number;
  cellHeight?: number;
  ariaLabel: string;
}) {
  const headH = 34;
  // Room for the label left of the flag column (about 7 px a character at 12 px).
  const maxChars = Math.max(8, Math.floor((labelWidth - flagWidth) / 7));
  const width = labelWidth + cols.length * cellWidth + 2;
  const height = headH + rows.length * cellHeight + 2;
  return (
    <div className="heatmap-scroll">
      <svg className="heatmap" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={ariaLabel} fontFamily="inherit">
        <defs>
          <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="#f3f4f6" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#9ca3af" strokeWidth="2" />
          </pattern>
        </defs>
        <rect x="0" y="0" width={width} height={height} fill="#ffffff" />
        {cols.map((c, j) => (
          <text key={c.key} x={labelWidth + j * cellWidth + cellWidth / 2} y={headH - 12} textAnchor="middle" fontSize="12" fontWeight="600" fill="#1f2933">
            {c.label}
          </text>
        ))}
        {rows.map((r, i) => {
          const y = headH + i * cellHeight;
          return (
            <g key={r.key}>
              <text x={6} y={y + cellHeight / 2 + 4} fontSize="12" fill="#1f2933">
                {r.label.length > maxChars ? `${r.label.slice(0, maxChars - 1)}…` : r.label}
                <title>{r.label}</title>
              </text>
              {r.flag && (
                <text x={labelWidth - 8} y={y + cellHeight / 2 + 4} fontSize="10" textAnchor="end" fill="#b91c1c" fontWeight="700">
                  {r.flag}
                </text>
              )}
              {cols.map((c, j) => {
                const v = cell(r.key, c.key);
                const x = labelWidth + j * cellWidth;
                if (!v) {
                  return <rect key={c.key} x={x + 1} y={y + 1} width={cellWidth - 2} height={cellHeight - 2} fill="#fafafa" stroke="#e5e7eb" />;
                }
                const fg = v.hatched ? '#374151' : textOn(v.color);
                const click = onCellClick ? () => onCellClick(r.key, c.key) : undefined;
                return (
                  <g
                    key={c.key}
                    className={`heat-cell${click ? ' clickable' : ''}`}
                    data-row={r.key}
                    data-col={c.key}
                    onClick={click}
                    onKeyDown={click ? (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), click()) : undefined}
                    tabIndex={click ? 0 : undefined}
                    role={click ? 'button' : undefined}
                    aria-label={v.title}
                  >
                    <title>{v.title}</title>
                    <rect
                      x={x + 1}
                      y={y + 1}
                      width={cellWidth - 2}
                      height={cellHeight - 2}
                      rx="3"
                      fill={v.hatched ? 'url(#hatch)' : v.color}
                      stroke="#ffffff"
                    />
                    <text
                      x={x + cellWidth / 2}
                      y={y + (v.sub ? cellHeight / 2 - 1 : cellHeight / 2 + 4)}
                      textAnchor="middle"
                      fontSize="12"
                      fontWeight="600"
                      fill={fg}
                    >
                      {v.text}
                    </text>
                    {v.sub && (
                      <text x={x + cellWidth / 2} y={y + cellHeight / 2 + 12} textAnchor="middle" fontSize="10" fill={fg}>
                        {v.sub}
                      </text>
                    )}
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
