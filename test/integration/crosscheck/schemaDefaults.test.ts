/** Cross-check, The schema defaults of the contract queries (grain, thresholds, windows) give the reference's defaults. Setup and comparison rules: ./support.ts. */
import { ok } from '../../support/server';
import type { Query } from '../../support/api';
import {
  channelConsistency,
  customerExperience,
  reasonTrends,
  refundSpikes,
  rejectionEconomics,
  repurchaseAfterRefund,
  type RefundFilter,
} from '../../reference/metrics';
import { Comparer, expectNoDiffs, useCrosscheck } from './support';

describe('cross-check schemaDefaults: API vs independent reference (seed 11, 6000 refunds + edge rows)', () => {
  const ctx = useCrosscheck();

  describe('hand-computed API values on the edge window (from 2026-01-01, channels web/app/chat/phone)', () => {
    test('schema defaults (grain WEEK, minCount 5, alpha 0.001, minCases 20, gap 0.15, DECISION, W 30 / 90)', async () => {
      const f0: RefundFilter = { from: '2025-01-01', to: '2025-07-01' };
      const q = `query($f: RefundFilter) {
        reasonTrends(filter: $f) { period reasonCode refunds }
        refundSpikes(filter: $f) { productId week }
        channelConsistency(filter: $f) { comparableCohorts inconsistentCohorts inconsistencyRate }
        customerExperience(filter: $f) { key csatResponses }
        repurchaseAfterRefund(filter: $f) { key eligible repurchased }
        rejectionEconomics(filter: $f) { eligible savings } }`;
      const a = ok(
        await ctx.s.gql<
          Pick<Query, 'reasonTrends' | 'refundSpikes' | 'channelConsistency' | 'customerExperience' | 'repurchaseAfterRefund' | 'rejectionEconomics'>
        >(q, { f: f0 }),
      );
      const c = new Comparer();
      const rt = reasonTrends(ctx.ds, f0, 'WEEK');
      c.eq('reasonTrends.length', a.reasonTrends.length, rt.length);
      c.eq(
        'reasonTrends.refunds',
        a.reasonTrends.reduce((x, y) => x + y.refunds, 0),
        rt.reduce((x, y) => x + y.refunds, 0),
      );
      c.eq('reasonTrends.periods', [...new Set(a.reasonTrends.map((x) => x.period))].sort().join(), [...new Set(rt.map((x) => x.period))].sort().join());
      c.eq(
        'refundSpikes',
        a.refundSpikes
          .map((x) => `${x.productId}|${x.week}`)
          .sort()
          .join(),
        refundSpikes(ctx.ds, f0)
          .map((x) => `${x.productId}|${x.week}`)
          .sort()
          .join(),
      );
      const cc = channelConsistency(ctx.ds, f0);
      c.eq('channelConsistency.comparable', a.channelConsistency.comparableCohorts, cc.comparableCohorts);
      c.eq('channelConsistency.inconsistent', a.channelConsistency.inconsistentCohorts, cc.inconsistentCohorts);
      c.num('channelConsistency.rate', a.channelConsistency.inconsistencyRate, cc.inconsistencyRate);
      const ex = customerExperience(ctx.ds, f0, 'DECISION').filter((g) => g.csatResponses + g.npsResponses > 0);
      c.eq(
        'customerExperience.keys',
        a.customerExperience
          .filter((g) => g.csatResponses > 0)
          .map((g) => g.key)
          .sort()
          .join(),
        ex
          .filter((g) => g.csatResponses > 0)
          .map((g) => g.key)
          .sort()
          .join(),
      );
      const rp = repurchaseAfterRefund(ctx.ds, f0, 30, 'DECISION');
      for (const g of rp) {
        const x = a.repurchaseAfterRefund.find((y) => y.key === g.key);
        c.eq(`repurchase[${g.key}].eligible`, x?.eligible, g.eligible);
        c.eq(`repurchase[${g.key}].repurchased`, x?.repurchased, g.repurchased);
      }
      const re = rejectionEconomics(ctx.ds, f0, 90);
      c.eq('rejectionEconomics.eligible', a.rejectionEconomics.eligible, re.eligible);
      c.num('rejectionEconomics.savings', a.rejectionEconomics.savings, re.savings);
      expectNoDiffs(c);
    });
  });
});
