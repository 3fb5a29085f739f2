/** Cross-check, customerExperience: per filter, dimension and grain, and customer types of the edge rows. Setup and comparison rules: ./support.ts. */
import { customerExperience, type DimensionName, type GrainName } from '../../reference/metrics';
import { Comparer, expectNoDiffs, expectSameRows, EDGE, FILTERS, EXPERIENCE_Q, useCrosscheck } from './support';

describe('cross-check customerExperience: API vs independent reference (seed 11, 6000 refunds + edge rows)', () => {
  const ctx = useCrosscheck();

  describe('hand-computed API values on the edge window (from 2026-01-01, channels web/app/chat/phone)', () => {
    test('customer types', async () => {
      const ex = await ctx.query('customerExperience', EXPERIENCE_Q, { f: EDGE, d: 'CUSTOMER_TYPE' });
      const c = new Comparer();
      // surveys: new = RX01 (csat 5, nps 6), RX06 (csat 4), RX04 (nps 9); returning = RX05 (csat 2, nps 10)
      const nw = ex.find((g) => g.key === 'new');
      const ret = ex.find((g) => g.key === 'returning');
      c.num('new.csatAvg', nw?.csatAvg ?? null, 4.5);
      c.eq('new.npsResponses', nw?.npsResponses, 2);
      c.num('returning.csatAvg', ret?.csatAvg ?? null, 2);
      c.num('returning.nps', ret?.nps ?? null, 100);
      expectNoDiffs(c);
    });
  });

  describe.each(FILTERS)('filter: $name', ({ f }) => {
    test.each<[DimensionName, GrainName | undefined]>([
      ['DECISION', undefined],
      ['CHANNEL', undefined],
      ['CUSTOMER_TYPE', undefined],
      ['PRODUCT_LINE', undefined],
      ['REASON_CODE', undefined],
      ['AGENT', undefined],
      ['TEAM', undefined],
      ['CAMPAIGN', undefined],
      ['PERIOD', 'MONTH'],
      ['PERIOD', 'WEEK'],
    ])('customerExperience by %s %s', async (dim, grain) => {
      const a = await ctx.query('customerExperience', EXPERIENCE_Q, { f, d: dim, gr: grain });
      // groups without any response carry no information; the API may list them (with null rates) or not
      const r = customerExperience(ctx.ds, f, dim, grain);
      const apiKeys = new Set(a.map((x) => x.key));
      const ref = r.filter((g) => g.csatResponses + g.npsResponses > 0 || apiKeys.has(g.key));
      expectSameRows('group', a, ref, (x) => String(x.key), { eq: ['csatResponses', 'npsResponses'], num: ['csatAvg', 'csatRate', 'nps'] });
    });
  });
});
