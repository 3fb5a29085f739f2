import { join } from 'node:path';
import { generateDataset } from '../../etl/src/generate/generate';
import { CONFOUNDED } from '../../etl/src/generate/world';
import { tempDir } from '../../etl/src/testing/factory';
import { ok, startTestServer, type TestServer } from '../support/server';

/**
 * The generator's confounded world (CONFOUNDED in world.ts): new customers are rejected more and
 * buy again less, and a rejection multiplies the chance of buying again by `rejectedFactor`. The
 * planted effect on the treated is then known per rejected refund, from its customer type alone;
 * the naive gap mixes that effect with the difference between new and returning customers.
 */
jest.setTimeout(240_000);

interface Stratum {
  customerType: string;
  rejected: number;
  approved: number;
  rateDiff: number | null;
}
interface Effect {
  att: number | null;
  naiveGap: number | null;
  rateAtt: number | null;
  rateLow: number | null;
  rateHigh: number | null;
  rateNaiveGap: number | null;
  coverage: number | null;
  matchedRejected: number | null;
  strata: Stratum[];
}

describe('rejectionEffect on confounded data', () => {
  let s: TestServer;
  let e: Effect;
  beforeAll(async () => {
    const dir = tempDir('refunds-confounded-');
    await generateDataset({ out: join(dir, 'data'), refunds: 30_000, seed: 19, confounded: true });
    s = await startTestServer(join(dir, 'data'));
    e = ok(
      await s.gql<{ rejectionEffect: Effect }>(
        `{ rejectionEffect(windowDays: 90) { att naiveGap rateAtt rateLow rateHigh rateNaiveGap coverage matchedRejected strata { customerType rejected approved rateDiff } } }`,
      ),
    ).rejectionEffect;
  });
  afterAll(async () => s?.close());

  const planted = (type: string) => CONFOUNDED.repurchase[type as 'new' | 'returning'] * (CONFOUNDED.rejectedFactor - 1);

  test('the matched rate effect lands on the planted one; the naive gap does not', () => {
    const matched = e.strata.filter((x) => x.approved > 0 && x.rejected > 0);
    const n = matched.reduce((a, x) => a + x.rejected, 0);
    expect(n).toBe(e.matchedRejected);
    const truth = matched.reduce((a, x) => a + x.rejected * planted(x.customerType), 0) / n;
    // Rejected refunds are mostly new customers' here, so the truth sits between the two types' effects.
    expect(truth).toBeGreaterThan(planted('returning'));
    expect(truth).toBeLessThan(planted('new'));
    expect(e.coverage).toBeGreaterThan(0.8);
    expect(Math.abs(e.rateAtt! - truth)).toBeLessThan(Math.abs(e.rateNaiveGap! - truth) / 3);
    expect(e.rateLow!).toBeLessThanOrEqual(truth);
    expect(e.rateHigh!).toBeGreaterThanOrEqual(truth);
  });

  test('in revenue too, the naive gap overstates what a rejection costs', () => {
    expect(e.att!).toBeLessThan(0);
    expect(e.naiveGap!).toBeLessThan(e.att!);
  });
});
