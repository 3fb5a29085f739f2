import { AGENT_KPIS, DIMENSIONS, METRICS, OUTCOMES, validateCatalog } from './catalog';
import { DEFAULT_REASON_FAMILY_MAP, reasonFamilyOf, reasonFamilyPairs } from './reason-families';

test('the catalog is internally consistent', () => {
  expect(validateCatalog()).toEqual([]);
  expect(new Set(METRICS.map((m) => m.name)).size).toBe(METRICS.length);
  expect(AGENT_KPIS).toEqual([
    'handled',
    'approvalRate',
    'rejectionRate',
    'resolutionHours',
    'escalationRate',
    'contactsPerRefund',
    'reopenRate',
    'refundCostPerCase',
  ]);
  expect(OUTCOMES).toEqual(['csatAvg', 'nps', 'repurchaseRate']);
  expect(DIMENSIONS.map((d) => d.name)).toEqual(['DECISION', 'CHANNEL', 'PRODUCT_LINE', 'REASON_CODE', 'AGENT', 'TEAM', 'CAMPAIGN', 'CUSTOMER_TYPE', 'PERIOD']);
});

test('reason families follow metrics.md, unknown codes are other', () => {
  expect(reasonFamilyOf('wrong_item')).toBe('defect');
  expect(reasonFamilyOf('damaged_in_transit')).toBe('logistics');
  expect(reasonFamilyOf('found_cheaper')).toBe('customer');
  expect(reasonFamilyOf('price_adjustment')).toBe('billing');
  expect(reasonFamilyOf('subscription_cancel')).toBe('service');
  expect(reasonFamilyOf('gift_return')).toBe('other');
  expect(reasonFamilyPairs(DEFAULT_REASON_FAMILY_MAP)).toHaveLength(21);
  expect(() => reasonFamilyPairs({ defect: ['x'], billing: ['x'] })).toThrow(/"x" is in both/);
  expect(() => reasonFamilyPairs({ fun: ['x'] })).toThrow(/unknown family "fun"/);
});
