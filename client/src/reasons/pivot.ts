/** Long rows (period, series, value) to one object per period with a key per series, zeros filled. */
export function pivot<T>(rows: readonly T[], periodOf: (r: T) => string, seriesOf: (r: T) => string, valueOf: (r: T) => number) {
  const periods = [...new Set(rows.map(periodOf))].sort();
  const totals = new Map<string, number>();
  const cells = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const p = periodOf(r);
    const s = seriesOf(r);
    const v = valueOf(r);
    totals.set(s, (totals.get(s) ?? 0) + v);
    const m = cells.get(p) ?? new Map<string, number>();
    m.set(s, (m.get(s) ?? 0) + v);
    cells.set(p, m);
  }
  const series = [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([s]) => s);
  const table = periods.map((p) => {
    const row: Record<string, string | number> = { period: p };
    for (const s of series) row[s] = cells.get(p)?.get(s) ?? 0;
    return row;
  });
  return { table, series, periods };
}
