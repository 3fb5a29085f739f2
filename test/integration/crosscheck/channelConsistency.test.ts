/** Cross-check, channelConsistency: per filter and thresholds, the reference chi-square and a hand-made fixture. Setup and comparison rules: ./support.ts. */
import { channelConsistency, chiSquareSurvival } from '../../reference/metrics';
import { Comparer, expectNoDiffs, FILTERS, CONSISTENCY_Q, bandLabel, useCrosscheck } from './support';

describe('cross-check channelConsistency: API vs independent reference (seed 11, 6000 refunds + edge rows)', () => {
  const ctx = useCrosscheck();

  describe('the reference handles the edge rows as worked out by hand', () => {
    test('reference statistics: chi-square (values from mpmath, 50 digits)', () => {
      const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
      expect(rel(chiSquareSurvival(3.9, 3), 0.27246675831798844)).toBeLessThan(1e-12);
      expect(rel(chiSquareSurvival(12, 1), 0.0005320055051392497)).toBeLessThan(1e-12);
      expect(rel(chiSquareSurvival(0.3, 4), 0.9898141728888165)).toBeLessThan(1e-12);
    });
  });

  describe('hand-computed API values on the edge window (from 2026-01-01, channels web/app/chat/phone)', () => {
    test('channel consistency on the store / marketplace fixture (minCases 2)', async () => {
      const a = await ctx.query('channelConsistency', CONSISTENCY_Q, { f: { from: '2026-01-01', channels: ['store', 'marketplace'] }, m: 2, g: 0.15 });
      const c = new Comparer();
      c.num('inconsistencyRate', a.inconsistencyRate, 6 / 10);
      c.eq('comparableCohorts', a.comparableCohorts, 2);
      c.eq('inconsistentCohorts', a.inconsistentCohorts, 1);
      const band1 = a.cohorts.find((x) => x.amountBand === '[50,200)');
      c.num('band1.gap', band1?.gap ?? null, 0.5);
      // 2x2 table store (2 yes, 2 no), marketplace (2, 0): chi-square 1.5, df 1 -> erfc(sqrt(0.75))
      c.num('band1.pValue', band1?.pValue ?? null, 0.22067136191984682);
      c.eq('band1.store.n', band1?.channels.find((x) => x.channel === 'store')?.n, 4);
      const band0 = a.cohorts.find((x) => x.amountBand === '[0,50)');
      c.num('band0.gap', band0?.gap ?? null, 0);
      c.eq('band0.inconsistent', band0?.inconsistent, false);
      expectNoDiffs(c);
    });
  });

  describe.each(FILTERS)('filter: $name', ({ f }) => {
    test.each([
      { minCases: 20, gapThreshold: 0.15 },
      { minCases: 5, gapThreshold: 0.1 },
    ])('channelConsistency minCases=$minCases gapThreshold=$gapThreshold', async ({ minCases, gapThreshold }) => {
      const a = await ctx.query('channelConsistency', CONSISTENCY_Q, { f, m: minCases, g: gapThreshold });
      const r = channelConsistency(ctx.ds, f, minCases, gapThreshold);
      const c = new Comparer();
      c.fields('', a, r, { eq: ['comparableCohorts', 'inconsistentCohorts'], num: ['inconsistencyRate'] });
      c.keyed(
        'cohort',
        a.cohorts,
        r.cohorts,
        (x) => `${x.reasonCode}|${x.productLine}|${x.amountBand}`,
        (y) => `${y.reasonCode}|${y.productLine}|${bandLabel(y.band)}`,
        (p, x, y) => {
          c.fields(p, x, y, { eq: ['inconsistent'], num: ['gap', 'pValue'] });
          c.keyed(
            `${p}.channels`,
            x.channels,
            y.channels,
            (u) => u.channel,
            (v) => v.channel,
            (q, u, v) => c.fields(q, u, v, { eq: ['n'], num: ['approvalRate'] }),
          );
        },
      );
      expectNoDiffs(c);
    });
  });
});
