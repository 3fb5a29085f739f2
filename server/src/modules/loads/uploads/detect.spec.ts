import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvHeader, detectFormat, sanitizeFileName, uniqueName } from './detect';
import { DEFAULT_UPLOAD_MAX_BYTES, loadConfig } from '../../../config/config';

describe('detectFormat', () => {
  test.each([
    ['refunds.csv', 'refund_id,order_id\n', 'load'],
    ['Orders.JSONL', '{"order_id":"1"}\n', 'load'],
    ['export.csv', 'Name,Email,Financial Status,Paid at,Lineitem quantity\n', 'shopify-orders'],
    ['t.csv', '\uFEFFId,Requester,Subject,Via,Tags\n', 'zendesk-tickets'],
    ['p.csv', 'id,Created (UTC),Amount,Amount Refunded,Currency\n', 'stripe-refunds'],
    ['r.csv', 'id,Amount,Currency,Created (UTC),Status,Charge ID\n', 'stripe-refunds'],
    ['r.json', '{ "object": "list", "data": [ { "id": "re_1", "object": "refund" } ] }', 'stripe-refunds'],
    ['r.jsonl', '{"id":"re_1","object":"refund"}\n', 'stripe-refunds'],
    ['ratings.json', '{"satisfaction_ratings":[{"score":"good"}]}', 'zendesk-tickets'],
    ['nps.csv', 'response_id,user_id,score,comment,response_date\n', 'nps-survey'],
    ['nps2.csv', 'id,person,survey_type,score,comment,created_at\n', 'nps-survey'],
    ['m.yaml', 'tables:\n  - table: refunds\n', 'mapping-definition'],
    ['m.json', '{"tables": []}', 'mapping-definition'],
    ['other.csv', 'a,b\n', null],
    ['data.parquet', 'PAR1', null],
  ])('%s -> %s', (name, head, format) => {
    expect(detectFormat(name, head).format).toBe(format);
  });

  test('a canonical header under another name says how to load it', () => {
    expect(detectFormat('my_refunds.csv', 'refund_id,order_id,customer_id\n').note).toMatch(/name the file refunds\.csv/);
  });

  test('quoted header cells', () => {
    expect(csvHeader('"Name","A ""b"", c",x\r\n1,2,3')).toEqual(['name', 'a "b", c', 'x']);
  });
});

describe('file names', () => {
  test.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\boot.ini', 'boot.ini'],
    ['.env', 'env'],
    ['...', 'file'],
    ['', 'file'],
    ['a\u0000b\nc.csv', 'a_b_c.csv'],
    ['数据 2025.csv', '数据 2025.csv'],
    ['$(rm -rf).csv', '_(rm -rf).csv'],
  ])('%j -> %j', (raw, safe) => {
    expect(sanitizeFileName(raw)).toBe(safe);
  });

  test('long names keep their extension within 120 characters', () => {
    const s = sanitizeFileName(`${'x'.repeat(300)}.csv`);
    expect(s).toHaveLength(120);
    expect(s.endsWith('.csv')).toBe(true);
  });

  test('duplicates get a number', () => {
    expect(uniqueName('a.csv', new Set(['a.csv', 'a (2).csv']))).toBe('a (3).csv');
    expect(uniqueName('a.csv', new Set())).toBe('a.csv');
  });
});

describe('upload configuration', () => {
  test('defaults: 1 GiB, imports beside the DuckDB file', () => {
    // A folder of its own: a fixed /tmp path may be a file another program left there.
    const dir = join(mkdtempSync(join(tmpdir(), 'refunds-cfg-')), 'x');
    const c = loadConfig({ REFUNDS_DB: join(dir, 'refunds.duckdb') });
    expect(c.uploadMaxBytes).toBe(1024 ** 3);
    expect(DEFAULT_UPLOAD_MAX_BYTES).toBe(1073741824);
    expect(c.importDir).toBe(join(dir, 'imports'));
  });

  test('bad values are refused at boot', () => {
    expect(() => loadConfig({ REFUNDS_UPLOAD_MAX_BYTES: '1GB' })).toThrow(/REFUNDS_UPLOAD_MAX_BYTES/);
    expect(() => loadConfig({ REFUNDS_UPLOAD_MAX_BYTES: '0' })).toThrow(/REFUNDS_UPLOAD_MAX_BYTES/);
    expect(() => loadConfig({ REFUNDS_IMPORT_DIR: '/etc/hostname' })).toThrow(/REFUNDS_IMPORT_DIR: \/etc\/hostname is not a folder/);
    expect(loadConfig({ REFUNDS_UPLOAD_MAX_BYTES: '5000' }).uploadMaxBytes).toBe(5000);
  });
});
