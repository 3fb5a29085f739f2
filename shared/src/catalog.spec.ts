import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AGENT_KPIS, DIMENSIONS, METRICS, OUTCOMES, validateCatalog } from './catalog';
import { DEFAULT_REASON_FAMILY_MAP, reasonFamilyOf, reasonFamilyPairs } from './reason-families';

/** metrics.md of the specification, beside the repository (REFUNDS_SHARED_DIR in a clone made elsewhere). */
const METRICS_MD = readFileSync(join(process.env.REFUNDS_SHARED_DIR ?? resolve(__dirname, '..', '..', '..', 'shared'), 'spec', 'metrics.md'), 'utf8');

/** The `a, b, c` list that follows `phrase` in metrics.md. */
function specList(phrase: string): string[] {
  const text = METRICS_MD.replace(/\s+/g, ' ');
  const at = text.indexOf(phrase);
  if (at < 0) throw new Error(`metrics.md no longer says "${phrase}"`);
  const m = /`([^`]*)`/.exec(text.slice(at + phrase.length));
  return (m?.[1] ?? '').split(',').map((x) => x.trim());
}

test('the catalog is internally consistent', () => {
  expect(validateCatalog()).toEqual([]);
  expect(new Set(METRICS.map((m) => m.name)).size).toBe(METRICS.length);
  expect(AGENT_KPIS).toEqual(specList('The agent KPI names for incentive plans are exactly:'));
  expect(OUTCOMES).toEqual(specList('the outcome names:'));
  expect(DIMENSIONS.map((d) => d.name)).toEqual(['DECISION', 'CHANNEL', 'PRODUCT_LINE', 'REASON_CODE', 'AGENT', 'TEAM', 'CAMPAIGN', 'CUSTOMER_TYPE', 'PERIOD']);
});

test('reason families follow metrics.md, unknown codes are other', () => {
  const codes = ['wrong_item', 'damaged_in_transit', 'found_cheaper', 'price_adjustment', 'subscription_cancel', 'gift_return'];
  expect(codes.map((c) => reasonFamilyOf(c))).toEqual(['defect', 'logistics', 'customer', 'billing', 'service', 'other']);
  expect(reasonFamilyPairs(DEFAULT_REASON_FAMILY_MAP)).toHaveLength(21);
  expect(() => reasonFamilyPairs({ defect: ['x'], billing: ['x'] })).toThrow(/"x" is in both/);
  expect(() => reasonFamilyPairs({ fun: ['x'] })).toThrow(/unknown family "fun"/);
});
