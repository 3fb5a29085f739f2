import { REV_WINDOWS, revColumn } from '@refunds/warehouse';
import { TABLE_BY_NAME, type TableName } from '@refunds/warehouse';
import { hoursBetween, plusDays, tsToDate } from './expressions';
import { chIdent, numberLiteral, stringLiteral } from './literal';
import { CH_TABLE, FACTS_COLUMNS, type ChNames } from './schema';
import { factsAtVersion, newestRows } from '@refunds/engine-clickhouse';

/**
 * refund_facts on ClickHouse: the same columns and rules as DuckDB's recomputeFacts
 * (etl/src/load/derive.ts), for the customers a load lists in fact_versions under its version,
 * run on each shard over that shard's local tables (a customer's orders, refunds and surveys sit
 * on one shard; the dimension tables are on every shard).
 *
 * Written for 18.16 and current ClickHouse alike: 18.16 has no window functions, no ASOF join, one
 * JOIN per SELECT and lambdas that cannot see outer columns. So:
 * - the next order after a refund and repurchase revenue per window come from the customer's orders
 *   gathered in one array (groupArray) and filtered per refund (arrayFilter), the refund's own values
 *   handed to the lambda as arrays of the same length (`replicate`);
 * - the fx rate of a day (DuckDB: ASOF join) is the last (date, rate) at or before it in the sorted
 *   array of the currency's rates;
 * - each join is its own SELECT level; sums use Kahan summation as DuckDB's fsum does.
 * A refund's order and surveys are looked up by id on every shard (GLOBAL IN): they normally sit on
 * the refund's shard, but a row naming another customer is found all the same.
 */

/** The newest row per key of a data table at `version`, without deleted keys. */
export function latest(names: ChNames, table: TableName | 'reason_families', version: number, where = '1'): string {
  const t = CH_TABLE.get(table)!;
  return newestRows(names.local(table), t.key ?? TABLE_BY_NAME.get(table as TableName)!.key, numberLiteral(version), where);
}

/**
 * `latest` over every shard (the Distributed table), for the few rows a shard's refunds may need from
 * another shard: the refund's order and its surveys when they carry another customer (DuckDB joins
 * them by id wherever they are). `where` filters with GLOBAL IN, so the ids are this shard's.
 */
export function latestEverywhere(names: ChNames, table: TableName, version: number, where: string): string {
  return newestRows(names.all(table), TABLE_BY_NAME.get(table)!.key, numberLiteral(version), where);
}

const MAX_TS = 'toInt64(9223372036854775807)';

/** One of `parts` slices of a shard's affected customers, by a hash other than the sharding key's. */
export interface CustomerPart {
  part: number;
  parts: number;
}

/**
 * `INSERT INTO refund_facts ... SELECT` for one shard: the affected customers' facts under `version`,
 * or those of one slice of them: a statement holds its customers' orders in memory, so a large shard
 * derives its facts slice by slice.
 */
export function factsInsertSql(names: ChNames, version: number, reportingCurrency: string, slice: CustomerPart = { part: 0, parts: 1 }): string {
  const v = numberLiteral(version);
  const R = stringLiteral(reportingCurrency);
  // sipHash64, not the sharding key's cityHash64: on a shard, cityHash64(customer_id) % shards is the same for every customer.
  const inSlice = slice.parts > 1 ? ` AND sipHash64(customer_id) % ${numberLiteral(slice.parts)} = ${numberLiteral(slice.part)}` : '';
  const affected = `customer_id IN (SELECT customer_id FROM ${names.local('fact_versions')} WHERE _version = ${v}${inSlice})`;
  const fxArrays = `(SELECT currency, arraySort(groupArray((date, rate_to_reporting))) AS fx
      FROM ${latest(names, 'fx_rates', version)} GROUP BY currency)`;
  // Rate of a row: 1 in the reporting currency, else the newest rate at or before the day of `at`.
  const rate = (at: string) => {
    const upTo = `arrayFilter((x, d) -> x.1 <= d, fx, replicate(${tsToDate(at)}, fx))`;
    return `multiIf(ifNull(currency, ${R}) = ${R}, 1., empty(${upTo}), NULL, ${upTo}[-1].2)`;
  };

  const orders = `(SELECT customer_id AS o_customer, order_id AS o_id, ordered_at AS o_at,
        ifNull(amount, 0.) * ${rate('ordered_at')} AS o_amount
      FROM ${latest(names, 'orders', version, affected)} AS l ANY LEFT JOIN ${fxArrays} AS j USING currency)`;
  const perCustomer = `(SELECT o_customer AS customer_id, 1 AS has_orders, min(o_at) AS first_at, groupArray((o_at, o_id, o_amount)) AS os
      FROM ${orders} GROUP BY o_customer)`;

  const r1 = `(SELECT *, ${rate('requested_at')} AS rate FROM ${latest(names, 'refunds', version, affected)} AS l
      ANY LEFT JOIN ${fxArrays} AS j USING currency)`;
  const r2 = `(SELECT * FROM ${r1} AS l ANY LEFT JOIN (SELECT reason_code, toNullable(family) AS reason_family FROM ${latest(names, 'reason_families', version)}) AS j USING reason_code)`;
  const r3 = `(SELECT * FROM ${r2} AS l ANY LEFT JOIN (SELECT agent_id, team FROM ${latest(names, 'agents', version)}) AS j USING agent_id)`;
  const r4 = `(SELECT * FROM ${r3} AS l ANY LEFT JOIN (SELECT order_id, toNullable(ordered_at) AS ro_ordered_at
      FROM ${latestEverywhere(names, 'orders', version, `order_id GLOBAL IN (SELECT order_id FROM ${latest(names, 'refunds', version, affected)})`)}) AS j USING order_id)`;
  const r5 = `(SELECT * FROM ${r4} AS l ANY LEFT JOIN ${perCustomer} AS j USING customer_id)`;
  const surveys = `(SELECT refund_id, countIf(kind = 'csat') AS csat_n, sumIf(score, kind = 'csat') AS csat_sum,
        countIf(kind = 'csat' AND score >= 4) AS csat_hi, countIf(kind = 'nps') AS nps_n,
        countIf(kind = 'nps' AND score >= 9) AS nps_pro, countIf(kind = 'nps' AND score <= 6) AS nps_det,
        sumIf(toInt64(score) * score, kind = 'csat') AS csat_sq
      FROM ${latestEverywhere(names, 'surveys', version, `refund_id GLOBAL IN (SELECT refund_id FROM ${latest(names, 'refunds', version, affected)})`)}
      WHERE refund_id IS NOT NULL GROUP BY refund_id)`;
  const r6 = `(SELECT * FROM ${r5} AS l ANY LEFT JOIN ${surveys} AS j USING refund_id)`;

  // Orders after the decision, other than the refunded one: (ordered_at, order_id, amount) tuples.
  const later = `arrayFilter((x, dec, oid) -> x.1 > dec AND x.2 != oid, os, replicate(ifNull(decided_at, ${MAX_TS}), os), replicate(order_id, os))`;
  const within = (w: number) => `arrayFilter((x, dec) -> x.1 <= ${plusDays('dec', w)}, ${later}, replicate(ifNull(decided_at, ${MAX_TS}), ${later}))`;
  const rev = (w: number) => `if(decided_at IS NULL, NULL, toNullable(arrayReduce('sumKahan', arrayMap(x -> ifNull(x.3, 0.), ${within(w)}))))`;

  const select: Record<string, string> = {
    refund_id: 'refund_id',
    order_id: 'order_id',
    customer_id: 'customer_id',
    agent_id: 'agent_id',
    channel: 'channel',
    product_id: 'product_id',
    product_line: 'product_line',
    reason_code: 'reason_code',
    reason_family: `ifNull(reason_family, 'other')`,
    requested_at: 'requested_at',
    decided_at: 'decided_at',
    paid_at: 'paid_at',
    decision: 'decision',
    requested_amount: 'requested_amount * rate',
    refunded_amount: 'refunded_amount * rate',
    currency: `ifNull(currency, ${R})`,
    payout_status: 'payout_status',
    contacts: 'ifNull(contacts, 0)',
    escalated: 'ifNull(escalated, 0)',
    reopened: 'ifNull(reopened, 0)',
    evidence_complete: 'evidence_complete',
    reviewer_id: 'reviewer_id',
    policy_version: 'policy_version',
    campaign: 'campaign',
    team: 'team',
    customer_type: `if(has_orders = 0 OR first_at >= ifNull(ro_ordered_at, requested_at), 'new', 'returning')`,
    resolution_hours: `if(decision IN ('approved', 'partial', 'rejected'), toNullable(${hoursBetween('requested_at', 'decided_at')}), NULL)`,
    next_order_at: `if(empty(${later}), NULL, toNullable(arrayReduce('min', arrayMap(x -> x.1, ${later}))))`,
    ...Object.fromEntries(REV_WINDOWS.map((w) => [revColumn(w), rev(w)])),
    csat_n: 'csat_n',
    csat_sum: 'csat_sum',
    csat_hi: 'csat_hi',
    nps_n: 'nps_n',
    nps_pro: 'nps_pro',
    nps_det: 'nps_det',
    csat_sq: 'csat_sq',
    _version: v,
  };
  const cols = FACTS_COLUMNS.map((c) => c.name);
  const exprs = FACTS_COLUMNS.map((c) => `CAST(${select[c.name]} AS ${c.type}) AS ${chIdent(c.name)}`);
  return `INSERT INTO ${names.local('refund_facts')} (${cols.map(chIdent).join(', ')})
SELECT ${exprs.join(',\n  ')}
FROM ${r6}`;
}

/**
 * refund_facts as readers see them at a pinned version: per customer, the rows of its newest
 * rewrite at or before the version. On a cluster the subquery reads each shard's local
 * fact_superseded, which holds exactly that shard's customers.
 */
export function factsAt(names: ChNames, version: number): string {
  return factsAtVersion(names, numberLiteral(version));
}
