import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TABLE_BY_NAME, type TableName } from '@refunds/warehouse';

/** Test data factories: canonical rows with sensible defaults, written as CSV or JSONL. */

export type Row = Record<string, string | number | boolean | null | undefined>;

let seq = 0;
const next = () => ++seq;

export function refund(over: Row = {}): Row {
  const n = next();
  return {
    refund_id: `R${n}`,
    order_id: `O${n}`,
    customer_id: `C${n}`,
    agent_id: 'A1',
    channel: 'web',
    product_id: 'P1',
    product_line: 'electronics',
    reason_code: 'changed_mind',
    reason_text: null,
    requested_at: '2024-03-01T10:00:00Z',
    decided_at: '2024-03-02T10:00:00Z',
    paid_at: null,
    decision: 'approved',
    requested_amount: 100,
    refunded_amount: 100,
    currency: 'CNY',
    payout_method: null,
    payout_status: null,
    contacts: 1,
    escalated: false,
    reopened: false,
    evidence_complete: true,
    reviewer_id: null,
    policy_version: null,
    campaign: null,
    ...over,
  };
}

export function order(over: Row = {}): Row {
  const n = next();
  return { order_id: `O${n}`, customer_id: `C${n}`, ordered_at: '2024-02-01T10:00:00Z', amount: 100, currency: 'CNY', channel: 'web', campaign: null, ...over };
}

export function survey(over: Row = {}): Row {
  const n = next();
  return { survey_id: `S${n}`, refund_id: null, customer_id: `C${n}`, kind: 'csat', score: 5, responded_at: '2024-03-05T10:00:00Z', comment: null, ...over };
}

export function agent(over: Row = {}): Row {
  const n = next();
  return { agent_id: `A${n}`, name: `Agent ${n}`, team: 'T1', manager_id: null, hired_at: '2023-01-01', ...over };
}

function csvCell(v: Row[string]): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text of rows, with the table's contract columns (or `columns`) as the header. */
export function toCsv(table: TableName, rows: Row[], columns?: string[]): string {
  const cols = columns ?? TABLE_BY_NAME.get(table)!.columns.map((c) => c.name);
  return [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
}

export function toJsonl(rows: Row[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

export function tempDir(prefix = 'refunds-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `{table: rows}` as `<dir>/<table>.csv` files and returns the folder. */
export function writeTables(tables: Partial<Record<TableName, Row[]>>, dir = tempDir()): string {
  for (const [name, rows] of Object.entries(tables)) writeFileSync(join(dir, `${name}.csv`), toCsv(name as TableName, rows ?? []));
  return dir;
}
