/** Repurchase windows drawn on the curve: one aliased field each, within the server's 12 top-level fields per request. */
export const WINDOWS = [7, 14, 30, 60, 90, 120, 180] as const;

export function curveQuery(): string {
  const fields = WINDOWS.map(
    (w) => `w${w}: repurchaseAfterRefund(filter: $f, windowDays: ${w}, groupBy: DECISION) { key eligible repurchased repurchaseRate repurchaseRevenue }`,
  );
  return `query RepurchaseCurve($f: RefundFilter) { ${fields.join('\n')} }`;
}

/** One row per window with a column per decision; a decision with no eligible refunds at that window is null (censored). */
export function curveRows(data: Record<string, Array<{ key: string | null; eligible: number; repurchaseRate: number | null }>>): {
  rows: Array<Record<string, number | null>>;
  decisions: string[];
} {
  const decisions = new Set<string>();
  const rows = WINDOWS.map((w) => {
    const row: Record<string, number | null> = { days: w };
    for (const g of data[`w${w}`] ?? []) {
      if (!g.key || g.eligible === 0) continue;
      decisions.add(g.key);
      row[g.key] = g.repurchaseRate;
    }
    return row;
  });
  const order = ['approved', 'partial', 'rejected'];
  return { rows, decisions: [...decisions].sort((a, b) => ((order.indexOf(a) + 99) % 99) - ((order.indexOf(b) + 99) % 99) || a.localeCompare(b)) };
}
