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

  test('a saved view stores exactly the RefundFilter plus the page parameters, and reopening it gives both back', () => {
    const search = `?${encodeFilter(full, new URLSearchParams('kpi=nps&w=rejectionRate:0.5&w=handled:0.2')).toString()}`;
    const payload = viewPayload(search);
    const parsed = JSON.parse(payload.filter) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(['agentIds', 'campaigns', 'channels', 'from', 'productLines', 'reasonCodes', 'teams', 'to']);
    expect(parsed.channels).toEqual(['app', 'web']);
    expect(JSON.parse(payload.params!)).toEqual({ kpi: ['nps'], w: ['rejectionRate:0.5', 'handled:0.2'] });
    const reopened = new URLSearchParams(viewSearch(payload));
    expect(decodeFilter(reopened)).toEqual(full);
    expect(reopened.get('kpi')).toBe('nps');
    expect(reopened.getAll('w')).toEqual(['rejectionRate:0.5', 'handled:0.2']);
    expect(viewPayload('?from=2025-01-01').params).toBeNull();
    expect(viewSearch({ filter: 'not json' })).toBe('');
    expect(viewSearch({ filter: 'not json', params: '{"kpi":["nps"]}' })).toBe('?kpi=nps');
    // a stored parameter cannot override the filter
    expect(viewSearch({ filter: '{"from":"2025-01-01"}', params: '{"from":["1999-01-01"],"kpi":["nps"]}' })).toBe('?from=2025-01-01&kpi=nps');
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
