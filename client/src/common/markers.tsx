import { ReferenceLine } from 'recharts';
import type { Grain } from '@refunds/shared';
import { useGql } from './useGql';
import { weekStart } from './filters';
import type * as G from './generated/graphql';

export interface TimeMarker {
  date: string;
  kind: 'policy' | 'annotation';
  label: string;
}

const POLICIES = /* GraphQL */ `query PolicyChanges { policyChanges { changeId effectiveAt title description scopeChannel scopeProductLine source } }`;
const ANNOTATIONS = /* GraphQL */ `query Annotations { annotations { id date metric note author createdAt } }`;

export function usePolicyChanges() {
  return useGql<G.PolicyChangesQuery>(POLICIES, undefined);
}
export function useAnnotations() {
  return useGql<G.AnnotationsQuery>(ANNOTATIONS, undefined);
}

/** Policy changes and annotations, for the reference lines every time chart draws. */
export function useTimeMarkers(): TimeMarker[] {
  const p = usePolicyChanges();
  const a = useAnnotations();
  const out: TimeMarker[] = [];
  for (const c of p.data?.policyChanges ?? []) out.push({ date: c.effectiveAt.slice(0, 10), kind: 'policy', label: c.title || c.changeId });
  for (const n of a.data?.annotations ?? []) out.push({ date: n.date.slice(0, 10), kind: 'annotation', label: n.note });
  return out;
}

/** The key of the period (of `grain`) that contains `day`, matching the API's period keys. */
export function periodOf(day: string, grain: Grain): string {
  const d = day.slice(0, 10);
  switch (grain) {
    case 'DAY':
      return d;
    case 'WEEK':
      return weekStart(d);
    case 'MONTH':
      return `${d.slice(0, 7)}-01`;
    case 'QUARTER': {
      const m = Math.floor((Number(d.slice(5, 7)) - 1) / 3) * 3 + 1;
      return `${d.slice(0, 4)}-${String(m).padStart(2, '0')}-01`;
    }
  }
}

/** Groups markers by the chart period they fall in; only periods on the axis are kept. */
export function markersOnAxis(
  markers: readonly TimeMarker[],
  periods: readonly string[],
  grain: Grain,
): Array<{ x: string; kind: TimeMarker['kind']; label: string }> {
  const onAxis = new Set(periods);
  const byX = new Map<string, { kind: TimeMarker['kind']; labels: string[] }>();
  for (const m of markers) {
    const x = periodOf(m.date, grain);
    if (!onAxis.has(x)) continue;
    const e = byX.get(x) ?? { kind: m.kind, labels: [] };
    if (m.kind === 'policy') e.kind = 'policy';
    e.labels.push(m.label);
    byX.set(x, e);
  }
  return [...byX].map(([x, e]) => ({ x, kind: e.kind, label: e.labels.join(' · ') }));
}

const short = (s: string) => (s.length > 22 ? `${s.slice(0, 21)}…` : s);

/**
 * The text row of each marker label (0 = top), so labels of nearby markers do not print over each
 * other: a label moves down a row while a label in the rows above would start within `gap` axis
 * positions before it. `positions` are axis indexes in ascending order.
 */
export function labelRows(positions: readonly number[], gap: number, maxRows = 3): number[] {
  const lastInRow: number[] = [];
  return positions.map((p) => {
    let row = 0;
    while (row < maxRows - 1 && lastInRow[row] !== undefined && p - lastInRow[row] < gap) row++;
    lastInRow[row] = p;
    return row;
  });
}

/** Reference lines as an array of elements (Recharts reads them as direct chart children). */
export function markerLines(markers: readonly TimeMarker[], periods: readonly string[], grain: Grain, yAxisId?: string | number) {
  const onAxis = markersOnAxis(markers, periods, grain);
  const index = new Map(periods.map((p, i) => [p, i]));
  const sorted = [...onAxis].sort((a, b) => (index.get(a.x) ?? 0) - (index.get(b.x) ?? 0));
  // A 22-character label at 10 px is about 120 px wide: roughly a fifth of a typical plot.
  const rows = labelRows(
    sorted.map((m) => index.get(m.x) ?? 0),
    Math.max(1, Math.ceil(periods.length / 5)),
  );
  const rowOf = new Map(sorted.map((m, i) => [m.x, rows[i]]));
  return onAxis.map((m) => (
    <ReferenceLine
      key={`marker-${m.x}`}
      x={m.x}
      {...(yAxisId !== undefined ? { yAxisId } : {})}
      stroke={m.kind === 'policy' ? '#6b3fa0' : '#b45309'}
      strokeDasharray={m.kind === 'policy' ? '6 3' : '2 3'}
      strokeWidth={1.5}
      ifOverflow="extendDomain"
      label={{
        value: short(m.label),
        position: 'insideTopLeft',
        fill: m.kind === 'policy' ? '#4c2a7a' : '#92400e',
        fontSize: 10,
        dy: (rowOf.get(m.x) ?? 0) * 12,
      }}
      className={`time-marker time-marker-${m.kind}`}
    />
  ));
}
