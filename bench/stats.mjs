// Small helpers: percentiles, formatting, timing loops.

export function percentile(xs, p) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

export const p50 = (xs) => percentile(xs, 50);
export const p95 = (xs) => percentile(xs, 95);

export function fmtMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '-';
  if (ms >= 100) return Math.round(ms).toLocaleString('en');
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

/** A duration with its unit, for log lines: 131 ms, 17.8 s, 4.2 min. */
export function fmtDur(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '-';
  if (ms >= 600_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function fmtRatio(r) {
  if (r === null || r === undefined || !Number.isFinite(r)) return '-';
  if (r >= 100) return `${r.toFixed(0)}x`;
  if (r >= 10) return `${r.toFixed(1)}x`;
  return `${r.toFixed(2)}x`;
}

export const ratio = (a, b) => (a === null || b === null || b === 0 ? null : a / b);

/**
 * Runs fn `warmup` times, then up to `runs` times; stops early (after at least minRuns) once the
 * timed runs took more than capMs in total. Returns the timings in ms and the warm-up's result.
 */
export async function timeRuns(fn, { warmup = 2, runs = 15, minRuns = 3, capMs = Infinity } = {}) {
  let first;
  for (let i = 0; i < warmup; i++) {
    const r = await fn();
    if (i === 0) first = r;
  }
  const times = [];
  let total = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await fn();
    const dt = performance.now() - t0;
    if (first === undefined) first = r;
    times.push(dt);
    total += dt;
    if (times.length >= minRuns && total > capMs) break;
  }
  return { times, first };
}

/** A plain text table: header row, rows; numbers right-aligned. */
export function textTable(head, rows) {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c ?? '').padEnd(w[i]) : String(c ?? '').padStart(w[i]))).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

/** A markdown table. */
export function mdTable(head, rows) {
  const esc = (c) => String(c ?? '').replace(/\|/g, '\\|');
  return [
    `| ${head.map(esc).join(' | ')} |`,
    `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}
