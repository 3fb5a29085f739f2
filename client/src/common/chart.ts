/** Colors with enough contrast on white, distinguishable in common color-vision deficiencies. */
export const PALETTE = ['#1d4ed8', '#c2410c', '#047857', '#7c3aed', '#b91c1c', '#0e7490', '#a16207', '#be185d', '#4b5563', '#15803d', '#9333ea', '#0369a1'];

export const FAMILY_COLORS: Record<string, string> = {
  defect: '#b91c1c',
  logistics: '#c2410c',
  customer: '#0e7490',
  billing: '#1d4ed8',
  service: '#7c3aed',
  other: '#6b7280',
};

export const DECISION_COLORS: Record<string, string> = {
  approved: '#047857',
  partial: '#a16207',
  rejected: '#b91c1c',
  pending: '#6b7280',
  withdrawn: '#9ca3af',
};

export const colorAt = (i: number) => PALETTE[i % PALETTE.length];

/** Diverging scale for -1..1 (correlations): red negative, white 0, blue positive. */
export function divergingColor(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '#e5e7eb';
  const x = Math.max(-1, Math.min(1, v));
  const mix = (a: number, b: number, t: number) => Math.round(a + (b - a) * t);
  const [r, g, b] = x >= 0 ? [mix(255, 29, x), mix(255, 78, x), mix(255, 216, x)] : [mix(255, 185, -x), mix(255, 28, -x), mix(255, 28, -x)];
  return `rgb(${r},${g},${b})`;
}

/** Sequential scale for 0..1 (rates): pale to deep teal. */
export function sequentialColor(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '#e5e7eb';
  const x = Math.max(0, Math.min(1, v));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * x);
  return `rgb(${mix(240, 8)},${mix(249, 80)},${mix(255, 120)})`;
}

/** Black or white text, whichever reads better on `bg` (rgb(...) or #rrggbb). */
export function textOn(bg: string): string {
  const m = /rgb\((\d+),(\d+),(\d+)\)/.exec(bg);
  let r: number, g: number, b: number;
  if (m) [r, g, b] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else {
    const h = bg.replace('#', '');
    [r, g, b] = [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
  }
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#111827' : '#ffffff';
}
