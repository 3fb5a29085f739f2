import { beforeCutoff, CUTOFF_NAMES, usesCutoffsOnlyBefore } from './fragments';
import { DUCKDB } from './dialect';
import { MEASURES } from './rollups';

describe('a measure uses a cut-off only as "the fact is before it"', () => {
  test('the conditions, written out', () => {
    expect(CUTOFF_NAMES.map((c) => beforeCutoff(DUCKDB, c))).toEqual([
      'decided_at <= h.rep_cutoff',
      'decided_at <= h.eco_cutoff',
      'requested_at < h.overdue_cutoff',
    ]);
  });

  test('every measure of the model passes, and those that use a cut-off use it that way', () => {
    const using = MEASURES.filter((m) => m.fact(DUCKDB).includes('h.')).map((m) => m.name);
    expect(using).toEqual(['overdue', 'rep_eligible', 'rep_rev', 'eco_eligible', 'eco_requested', 'eco_rev', 'eco_rev2', 'eco_yes', 'rep_yes']);
    for (const m of MEASURES) expect(usesCutoffsOnlyBefore(m.fact(DUCKDB))).toBe(true);
  });

  test('any other use is refused: another column, another comparison, the cut-off alone', () => {
    expect(usesCutoffsOnlyBefore("count(*) FILTER (WHERE decided_at <= h.rep_cutoff AND payout_status = 'failed')")).toBe(true);
    expect(usesCutoffsOnlyBefore('count(*) FILTER (WHERE paid_at <= h.rep_cutoff)')).toBe(false);
    expect(usesCutoffsOnlyBefore('count(*) FILTER (WHERE decided_at > h.rep_cutoff)')).toBe(false);
    expect(usesCutoffsOnlyBefore('count(*) FILTER (WHERE requested_at <= h.overdue_cutoff)')).toBe(false);
    expect(usesCutoffsOnlyBefore('max(h.eco_cutoff)')).toBe(false);
    expect(usesCutoffsOnlyBefore('count(*) FILTER (WHERE decided_at <= h.rep_cutoff AND decided_at > h.rep_cutoff)')).toBe(false);
  });
});
