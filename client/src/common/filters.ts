import { FILTER_LIST_PARAMS, type RefundFilter } from '@refunds/shared';

/**
 * The filter lives in the URL query string so a link reproduces the view. Lists use repeated keys
 * (`?channel=web&channel=app`), which survives commas and any other character in a value.
 */

export interface FilterState {
  from: string | null;
  to: string | null;
  channels: string[];
  productLines: string[];
  reasonCodes: string[];
  agentIds: string[];
  teams: string[];
  campaigns: string[];
}

export type ListKey = 'channels' | 'productLines' | 'reasonCodes' | 'agentIds' | 'teams' | 'campaigns';

export const LIST_PARAMS: Readonly<Record<ListKey, string>> = FILTER_LIST_PARAMS;
const LIST_KEYS = Object.keys(LIST_PARAMS) as ListKey[];

/** Every query-string key the filter owns; pages keep their own keys (e.g. `kpi`, `change`) beside these. */
export const FILTER_PARAM_NAMES: readonly string[] = ['from', 'to', ...Object.values(LIST_PARAMS)];

export const EMPTY_FILTER: FilterState = { from: null, to: null, channels: [], productLines: [], reasonCodes: [], agentIds: [], teams: [], campaigns: [] };

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

function validDay(s: string | null): string | null {
  if (!s || !DAY_RE.test(s)) return null;
  const d = new Date(`${s}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s ? null : s;
}

function uniqueSorted(xs: string[]): string[] {
  return [...new Set(xs.map((x) => x.trim()).filter(Boolean))].sort();
}

export function decodeFilter(params: URLSearchParams): FilterState {
  const out: FilterState = { ...EMPTY_FILTER, from: validDay(params.get('from')), to: validDay(params.get('to')) };
  for (const k of LIST_KEYS) out[k] = uniqueSorted(params.getAll(LIST_PARAMS[k]));
  return out;
}

/** Writes `f` into a copy of `base`, keeping every non-filter key of `base` as it was. */
export function encodeFilter(f: FilterState, base: URLSearchParams = new URLSearchParams()): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of base) if (!FILTER_PARAM_NAMES.includes(k)) out.append(k, v);
  if (f.from) out.set('from', f.from);
  if (f.to) out.set('to', f.to);
  for (const k of LIST_KEYS) for (const v of uniqueSorted(f[k])) out.append(LIST_PARAMS[k], v);
  return out;
}

/** Only the filter part of a query string (for links between pages). */
export function filterSearch(params: URLSearchParams): string {
  const s = encodeFilter(decodeFilter(params)).toString();
  return s ? `?${s}` : '';
}

/** The GraphQL RefundFilter: empty lists and missing dates are left out. */
export function toRefundFilter(f: FilterState): RefundFilter {
  const out: RefundFilter = {};
  if (f.from) out.from = f.from;
  if (f.to) out.to = f.to;
  for (const k of LIST_KEYS) if (f[k].length) out[k] = [...f[k]];
  return out;
}

export function filterFromRefundFilter(r: RefundFilter): FilterState {
  const out: FilterState = { ...EMPTY_FILTER, from: validDay(r.from ?? null), to: validDay(r.to ?? null) };
  for (const k of LIST_KEYS) out[k] = uniqueSorted(r[k] ?? []);
  return out;
}

export function isFilterEmpty(f: FilterState): boolean {
  return !f.from && !f.to && LIST_KEYS.every((k) => f[k].length === 0);
}

/**
 * A number read from a URL parameter: `fallback` when the parameter is absent, empty or not a
 * number, else the value clamped to [min, max]. 0 is a value like any other (`Number(x) || d` would
 * turn it into the default).
 */
export function numberParam(raw: string | null, fallback: number, min: number, max: number): number {
  if (raw === null || raw.trim() === '') return fallback;
  const n = Number(raw);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Monday of the ISO week containing `day`. */
export function weekStart(day: string): string {
  const d = new Date(`${day.slice(0, 10)}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - dow);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export type Preset = '30d' | '90d' | '12m' | 'all';

/** A preset range ending the day after the last data day (`to` is exclusive). */
export function presetRange(preset: Preset, minDate: string, maxDate: string): { from: string; to: string } {
  const to = addDays(maxDate, 1);
  switch (preset) {
    case '30d':
      return { from: addDays(to, -30), to };
    case '90d':
      return { from: addDays(to, -90), to };
    case '12m':
      return { from: addDays(to, -365), to };
    case 'all':
      return { from: minDate, to };
  }
}
