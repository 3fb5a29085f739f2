/** Cross-check, Loading: normalisation, fx conversion and the rows the loader rejects (loadRejects). Setup and comparison rules: ./support.ts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ok } from '../../support/server';
import type { Query } from '../../support/api';
import { Comparer, expectNoDiffs, REFUND_COLUMNS, useCrosscheck } from './support';

describe('cross-check loadRejects: API vs independent reference (seed 11, 6000 refunds + edge rows)', () => {
  const ctx = useCrosscheck();

  describe('the reference handles the edge rows as worked out by hand', () => {
    test('loading: normalisation, fx, rejects', () => {
      expect(readFileSync(join(ctx.dir, 'refunds.csv'), 'utf8').startsWith(REFUND_COLUMNS)).toBe(true);
      const byId = new Map(ctx.ds.refunds.map((r) => [r.refundId, r] as const));
      expect(ctx.ds.refunds.length).toBe(6000 + 9 + 10 + 2);
      expect(ctx.ds.rejects.map((r) => `${r.table}:${r.column}`).sort()).toEqual(
        ['refunds:currency', 'refunds:decided_at', 'refunds:decision', 'refunds:refunded_amount'].sort(),
      );
      const rx01 = byId.get('RX01');
      expect(rx01?.channel).toBe('web');
      expect(rx01?.reasonCode).toBe('quality_defect');
      expect(rx01?.currency).toBe('USD');
      expect(rx01?.evidenceComplete).toBe(true);
      expect(Number(rx01?.requestedAmount) / 1e12).toBeCloseTo(150 * ctx.usdRate('2026-01-05'), 9);
      expect(byId.get('RX05')?.reasonCode).toBe('changed_mind');
      // RX04: 2026-02-01T07:30+08:00 = 2026-01-31T23:30Z -> EUR 7.90
      expect(Number(byId.get('RX04')?.requestedAmount) / 1e12).toBeCloseTo(790, 9);
      expect(Number(byId.get('RX04')?.refundedAmount) / 1e12).toBeCloseTo(316, 9);
      expect(new Date(ctx.ds.asOf as number).toISOString()).toBe('2026-02-05T00:00:00.000Z');
      expect(new Date(ctx.ds.horizon as number).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    });
  });

  describe('hand-computed API values on the edge window (from 2026-01-01, channels web/app/chat/phone)', () => {
    test('rejected rows: the loader rejects exactly the rows the reference rejects', async () => {
      const q = `{ loadRejects(limit: 100) { table line column value } }`;
      const api = ok(await ctx.s.gql<Pick<Query, 'loadRejects'>>(q)).loadRejects;
      // the contract allows a line or a record number: accept either
      const c = new Comparer();
      c.keyed(
        'reject',
        api,
        ctx.ds.rejects,
        (a) => `${a.table}|${a.column}|${a.value}`,
        (r) => `${r.table}|${r.column}|${r.value}`,
        (p, a, r) => {
          if (a.line !== r.line && a.line !== r.recordNo) c.eq(`${p}.line`, a.line, `${r.line} (line) or ${r.recordNo} (record)`);
        },
      );
      expectNoDiffs(c);
    });
  });
});
