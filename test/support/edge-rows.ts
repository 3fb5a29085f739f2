import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Hand-made edge rows (all requested in 2026) appended to a generated data set by the reference
 * cross-check (test/integration/crosscheck/) and the ClickHouse cross-check (clickhouse-load.test.ts).
 */
// Edge rows appended to the generated CSV files (all in 2026: isolated by from = 2026-01-01)

export const REFUND_COLUMNS =
  'refund_id,order_id,customer_id,agent_id,channel,product_id,product_line,reason_code,reason_text,requested_at,decided_at,paid_at,decision,requested_amount,refunded_amount,currency,payout_method,payout_status,contacts,escalated,reopened,evidence_complete,reviewer_id,policy_version,campaign';

export const EDGE_REFUNDS = [
  // RX01: USD (lower-case), channel / reason needing normalisation, decided exactly 48 h later (SLA met),
  // 150 USD ~ 1074 CNY >= 1000 without reviewer -> review gap; repurchase exactly at decided_at + 30 d.
  'RX01,OX01,CX01,A01, Web ,PX1,electronics, Quality Defect ,"Broken, said ""twice""\nsecond line",2026-01-05T10:00:00Z,2026-01-07T10:00:00Z,2026-01-08T00:00:00Z,approved,150.00,150.00,usd,original_payment,succeeded,1,no,0,yes,,v4,',
  // RX02: pending, requested_at + 48 h == as-of -> not overdue; its order is missing from orders (customer type from requested_at)
  'RX02,OX20,CX02,A02,chat,PX2,home,late_delivery,,2026-02-03T00:00:00Z,,,pending,80.00,,CNY,,,0,false,false,0,,v4,',
  // RX03: pending, one second older -> overdue
  'RX03,OX30,CX03,A02,chat,PX2,home,changed_mind,,2026-02-02T23:59:59Z,,,pending,60.00,,CNY,,,0,false,false,,,v4,',
  // RX09: withdrawn, the latest request: sets the as-of time 2026-02-05T00:00:00Z
  'RX09,OX91,CX09,,app,PX2,home,size,,2026-02-05T00:00:00Z,,,withdrawn,30.00,0.00,CNY,,,0,false,false,true,,v4,',
  // RX04: EUR with an offset timestamp: 2026-01-31T23:30Z UTC -> EUR rate of 2026-01-01 (7.90), not 2026-02-01 (8.00);
  // decided_at without offset = UTC
  'RX04,OX40,CX04,A02,app,PX1,electronics,damaged,,2026-02-01T07:30:00+08:00,2026-02-02T00:00:00,,partial,100.00,40.00,EUR,wallet,,2,false,false,true,A01,v4,',
  // RX05: rejected, reason "Changed Mind"; repurchase at exactly decided_at + 30 d (in) and at decided_at (out)
  'RX05,OX50,CX05,A02,phone,PX2,home,Changed Mind,,2026-01-08T00:00:00Z,2026-01-09T12:00:00Z,,rejected,300.00,0.00,CNY,,,3,true,false,no,,v4,',
  // RX06: decided 48 h + 1 s later (SLA missed); reviewer = agent (review gap at exactly 1000);
  // repurchase 1 s after decided_at + 30 d (out for 30, in for 45)
  'RX06,OX60,CX06,A01,web,PX1,electronics,defective,,2026-01-06T00:00:00Z,2026-01-08T00:00:01Z,2026-01-08T02:00:00Z,approved,1000.00,1000.00,CNY,original_payment,failed,1,false,false,1,A01,v4,singles_day',
  // RX07: partial >= 1000 with a distinct reviewer (no gap); no product
  'RX07,OX70,CX07,A01,phone,,,other,,2026-01-09T00:00:00Z,2026-01-09T05:00:00Z,2026-01-09T06:00:00Z,partial,2000.00,1200.00,CNY,bank_transfer,succeeded,0,false,false,true,A02,v4,',
  // RX08: 999.99 without reviewer (below threshold), decided automatically (no agent)
  'RX08,OX80,CX08,,app,PX1,electronics,wrong_item,,2026-01-10T00:00:00Z,2026-01-10T01:00:00Z,,approved,999.99,999.99,CNY,,,0,false,false,false,,v4,',
  // a small channel-consistency fixture on channels store / marketplace (size x toys), minCases 2:
  // band [50,200): store approved, rejected, partial, rejected (7.50 USD ~ 54 CNY) -> 2/4; marketplace 2/2 -> gap 0.5
  'RY01,OY01,CY01,A03,store,PY1,toys,size,,2026-01-12T00:00:00Z,2026-01-12T02:00:00Z,,approved,50.00,50.00,CNY,,,0,false,false,true,,v4,',
  'RY02,OY02,CY02,A03,store,PY1,toys,size,,2026-01-12T00:00:00Z,2026-01-12T02:00:00Z,,rejected,199.99,0.00,CNY,,,0,false,false,true,,v4,',
  'RY03,OY03,CY03,A03,store,PY1,toys,size,,2026-01-12T00:00:00Z,2026-01-12T02:00:00Z,,partial,120.00,60.00,CNY,,,0,false,false,true,,v4,',
  'RY10,OY10,CY10,A03,store,PY1,toys,size,,2026-01-13T00:00:00Z,2026-01-13T02:00:00Z,,rejected,7.50,0.00,USD,,,0,false,false,true,,v4,',
  'RY04,OY04,CY04,A03,marketplace,PY1,toys,size,,2026-01-12T00:00:00Z,2026-01-12T02:00:00Z,,approved,50.00,50.00,CNY,,,0,false,false,true,,v4,',
  'RY05,OY05,CY05,A03,marketplace,PY1,toys,size,,2026-01-12T00:00:00Z,2026-01-12T02:00:00Z,,approved,80.00,80.00,CNY,,,0,false,false,true,,v4,',
  // band [0,50): every decision approved (the chi-square statistic is undefined: a column total is 0)
  'RY06,OY06,CY06,A03,store,PY1,toys,size,,2026-01-14T00:00:00Z,2026-01-14T02:00:00Z,,approved,49.99,49.99,CNY,,,0,false,false,true,,v4,',
  'RY07,OY07,CY07,A03,store,PY1,toys,size,,2026-01-14T00:00:00Z,2026-01-14T02:00:00Z,,approved,49.99,49.99,CNY,,,0,false,false,true,,v4,',
  'RY08,OY08,CY08,A03,marketplace,PY1,toys,size,,2026-01-14T00:00:00Z,2026-01-14T02:00:00Z,,approved,10.00,10.00,CNY,,,0,false,false,true,,v4,',
  'RY09,OY09,CY09,A03,marketplace,PY1,toys,size,,2026-01-14T00:00:00Z,2026-01-14T02:00:00Z,,approved,0.00,0.00,CNY,,,0,false,false,true,,v4,',
  // email rows: an agent missing from agents.csv (team null), an amount with 3 decimals; RX15's own order is
  // dated inside its repurchase window (must not count: order_id != the refund's), and the customer's other
  // order precedes the refunded order (returning customer although that order is after the request)
  'RX14,OX140,CX14,A99,email,PX3,beauty,color,,2026-01-15T00:00:00Z,2026-01-15T03:00:00Z,,approved,12.345,12.345,CNY,,,0,false,false,true,,v4,',
  'RX15,OX150,CX15,A04,email,PX3,beauty,style,,2026-01-15T00:00:00Z,2026-01-16T00:00:00Z,,rejected,100.00,0.00,CNY,,,0,false,false,true,,v4,',
  // invalid rows, each breaking one rule of the data contract -> rejected by the loader
  'RX10,OX80,CX08,A01,app,PX1,electronics,wrong_item,,2026-01-11T00:00:00Z,2026-01-11T01:00:00Z,,approved,100.00,200.00,CNY,,,0,false,false,true,,v4,',
  'RX11,OX80,CX08,A01,app,PX1,electronics,wrong_item,,2026-01-11T00:00:00Z,2026-01-11T01:00:00Z,,maybe,100.00,100.00,CNY,,,0,false,false,true,,v4,',
  'RX12,OX80,CX08,A01,app,PX1,electronics,wrong_item,,2026-01-11T00:00:00Z,2026-01-11T01:00:00Z,,approved,100.00,100.00,GBP,,,0,false,false,true,,v4,',
  'RX13,OX80,CX08,A01,app,PX1,electronics,wrong_item,,2026-01-12T00:00:00Z,2026-01-11T01:00:00Z,,approved,100.00,100.00,CNY,,,0,false,false,true,,v4,',
];

export const EDGE_ORDERS = [
  'OX01,CX01,2025-12-28T00:00:00Z,150.00,USD,web,',
  'OX02,CX01,2026-01-07T10:00:00Z,70.00,CNY,web,', // exactly at RX01's decided_at: not a repurchase
  'OX03,CX01,2026-02-06T10:00:00Z,100.00,CNY,web,', // exactly decided_at + 30 d: a repurchase
  'OX21,CX02,2026-01-01T00:00:00Z,80.00,CNY,app,',
  'OX30,CX03,2026-01-10T00:00:00Z,60.00,CNY,app,',
  'OX91,CX09,2026-01-19T00:00:00Z,30.00,CNY,app,',
  'OX40,CX04,2026-01-20T00:00:00Z,100.00,EUR,app,',
  'OX51,CX05,2025-11-01T00:00:00Z,100.00,CNY,phone,',
  'OX50,CX05,2025-12-20T00:00:00Z,300.00,CNY,phone,',
  'OX53,CX05,2026-01-09T12:00:00Z,70.00,CNY,phone,', // exactly RX05's decided_at: out
  'OX52,CX05,2026-02-08T12:00:00Z,200.00,CNY,phone,', // exactly decided_at + 30 d: in
  'OX60,CX06,2026-01-02T00:00:00Z,1000.00,CNY,web,singles_day',
  'OX61,CX06,2026-02-07T00:00:02Z,50.00,USD,web,', // decided_at + 30 d + 1 s
  'OX70,CX07,2026-01-01T00:00:00Z,2000.00,CNY,phone,',
  'OX80,CX08,2026-01-03T00:00:00Z,999.99,CNY,app,',
  'OX140,CX14,2026-01-10T00:00:00Z,12.345,CNY,web,',
  'OX150,CX15,2026-01-20T00:00:00Z,100.00,CNY,web,',
  'OX151,CX15,2026-01-18T00:00:00Z,40.00,CNY,web,',
  'OX90,CX90,2026-03-01T00:00:00Z,10.00,CNY,web,', // the latest order: horizon = 2026-03-01T00:00:00Z
];

export const EDGE_SURVEYS = [
  'SX01,RX01,CX01,csat,5,2026-01-08T00:00:00Z,',
  'SX02,RX01,CX01,nps,6,2026-01-08T00:00:00Z,"Fine, I guess"',
  'SX03,RX05,CX05,csat,2,2026-01-10T00:00:00Z,',
  'SX04,RX05,CX05,nps,10,2026-01-10T00:00:00Z,',
  'SX05,RX04,CX04,nps,9,2026-02-03T00:00:00Z,',
  'SX06,,CX01,csat,1,2026-01-09T00:00:00Z,not linked to a refund',
  'SX08,RX14,CX14,csat,3,2026-01-16T00:00:00Z,',
  'SX09,RX404,CX14,csat,1,2026-01-16T00:00:00Z,links to no refund',
  'SX07,RX06,CX06,csat,4,2026-01-09T00:00:00Z,"He said ""ok"", then\nnothing"',
];

export const EDGE_FX = ['2025-12-01,EUR,7.80', '2026-01-01,EUR,7.90', '2026-02-01,EUR,8.00'];

export function append(folder: string, table: string, lines: readonly string[]): void {
  const p = join(folder, `${table}.csv`);
  const text = readFileSync(p, 'utf8');
  appendFileSync(p, `${text.endsWith('\n') ? '' : '\n'}${lines.join('\n')}\n`);
}
