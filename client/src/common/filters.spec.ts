import { addDays, decodeFilter, encodeFilter, EMPTY_FILTER, filterSearch, presetRange, toRefundFilter, weekStart, type FilterState } from './filters';
import { pageOf, viewPayload, viewSearch } from './views';

describe('URL filter state', () => {
  const full: FilterState = {
    from: '2025-01-01',
    to: '2025-04-01',
    channels: ['app', 'web'],
    productLines: ['home & garden', 'toys,games'],
    reasonCodes: ['quality_defect'],
    agentIds: ['A1'],
    teams: ['北京'],
    campaigns: ['11.11 sale', 'a=b&c'],
  };

  test('encode then decode gives the same state, including commas, & and non-ASCII', () => {
    const qs = encodeFilter(full).toString();
    expect(decodeFilter(new URLSearchParams(qs))).toEqual(full);
    // and the string is stable (sorted lists), so equal views share one link
    expect(encodeFilter(decodeFilter(new URLSearchParams(qs))).toString()).toBe(qs);
  });

  test('page keys are kept beside the filter, and filter keys are replaced', () => {
    const base = new URLSearchParams('kpi=handled&channel=phone&from=2024-01-01');
    const out = encodeFilter({ ...EMPTY_FILTER, channels: ['web'] }, base);
    expect(out.get('kpi')).toBe('handled');
    expect(out.getAll('channel')).toEqual(['web']);
    expect(out.get('from')).toBeNull();
    expect(filterSearch(new URLSearchParams('kpi=x&channel=web'))).toBe('?channel=web');
  });

  test('bad dates and blank values are dropped; duplicates collapse', () => {
    const f = decodeFilter(new URLSearchParams('from=2025-02-30&to=yesterday&channel=web&channel=web&channel=&team=%20'));
    expect(f).toEqual({ ...EMPTY_FILTER, channels: ['web'] });
  });

  test('to RefundFilter leaves out what is empty', () => {
    expect(toRefundFilter(EMPTY_FILTER)).toEqual({});
    expect(toRefundFilter({ ...EMPTY_FILTER, from: '2025-01-01', teams: ['T1'] })).toEqual({ from: '2025-01-01', teams: ['T1'] });
  });

  test('a saved view stores exactly the RefundFilter, and reopening it gives the same filter', () => {
    const search = `?${encodeFilter(full, new URLSearchParams('kpi=nps')).toString()}`;
    const parsed = JSON.parse(viewPayload(search)) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(['agentIds', 'campaigns', 'channels', 'from', 'productLines', 'reasonCodes', 'teams', 'to']);
    expect(parsed.channels).toEqual(['app', 'web']);
    expect(decodeFilter(new URLSearchParams(viewSearch({ filter: viewPayload(search) })))).toEqual(full);
    expect(viewSearch({ filter: 'not json' })).toBe('');
    expect(pageOf('/incentives')).toBe('/incentives');
    expect(pageOf('/')).toBe('/');
  });

  test('calendar helpers work in UTC days', () => {
    expect(weekStart('2025-01-05')).toBe('2024-12-30'); // Sunday -> Monday before
    expect(weekStart('2024-12-30')).toBe('2024-12-30');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(presetRange('30d', '2024-01-01', '2025-12-31')).toEqual({ from: '2025-12-02', to: '2026-01-01' });
    expect(presetRange('all', '2024-01-01', '2025-12-31')).toEqual({ from: '2024-01-01', to: '2026-01-01' });
  });
});
