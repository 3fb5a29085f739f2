import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertExport, ImportError, pseudonymousId, TABLE_COLUMNS } from './index';
import { parseCsv } from './csv';
import { specFixtures } from '../testing/fixtures';

const HELPDESK = specFixtures('helpdesk', 'customer_support_tickets.csv');
const EXAMPLE = join(__dirname, 'examples', 'helpdesk-mapping.yaml');
const FIX = join(__dirname, '__fixtures__');

async function readOut(file: string): Promise<Array<Record<string, string>>> {
  const [header = [], ...rows] = parseCsv(await readFile(file, 'utf8')).records;
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

function tally(rows: Array<Record<string, string>>, col: string): Record<string, number> {
  const m: Record<string, number> = {};
  for (const r of rows) m[r[col] ?? ''] = (m[r[col] ?? ''] ?? 0) + 1;
  return m;
}

async function tmp(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'mapping-spec-'));
}

async function writeMapping(doc: unknown, ext = '.json'): Promise<string> {
  const file = join(await tmp(), `mapping${ext}`);
  await writeFile(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return file;
}

describe('mapping: the shipped helpdesk example on the helpdesk sample', () => {
  let out: string;
  let result: Awaited<ReturnType<typeof convertExport>>;
  let refunds: Array<Record<string, string>>;
  let surveys: Array<Record<string, string>>;
  beforeAll(async () => {
    out = await tmp();
    result = await convertExport('mapping', [HELPDESK], out, { mappingFile: EXAMPLE });
    refunds = await readOut(join(out, 'refunds.csv'));
    surveys = await readOut(join(out, 'surveys.csv'));
  });

  it('turns the 115 "Refund request" tickets of 600 into refunds and their 33 ratings into CSAT surveys', () => {
    expect(result.counts).toEqual({ refunds: 115, surveys: 33 });
    expect(result.files.map((f) => f.slice(out.length + 1))).toEqual(['refunds.csv', 'surveys.csv']);
  });

  it('maps decisions from Resolution and channels with the value map', () => {
    // Open 42 + Pending Customer Response 40 = 82 pending; Refund processed 5; Replacement 11;
    // Technical support 7 + Issue resolved 6 + Account access 4 = 17 withdrawn
    expect(tally(refunds, 'decision')).toEqual({ pending: 82, approved: 5, rejected: 11, withdrawn: 17 });
    expect(tally(refunds, 'channel')).toEqual({ email: 25, social: 44, phone: 19, chat: 27 });
    for (const r of refunds) {
      expect(r.refunded_amount).toBe(r.decision === 'pending' ? '' : '0');
      expect(r.decided_at === '').toBe(r.decision === 'pending');
    }
  });

  it('stores no e-mail and links surveys to refunds', () => {
    expect(JSON.stringify([refunds, surveys])).not.toMatch(/@/);
    const ids = new Set(refunds.map((r) => r.refund_id));
    expect(surveys.every((s) => ids.has(s.refund_id) && s.kind === 'csat')).toBe(true);
    expect(surveys.reduce((s, x) => s + Number(x.score), 0)).toBe(104);
  });

  it('maps one row field by field', () => {
    // ticket 17: Roomba Robot Vacuum, Refund request, Hardware issue, Open, Social media
    expect(refunds.find((r) => r.refund_id === 'hd:17')).toMatchObject({
      customer_id: expect.stringMatching(/^hd:[0-9a-f]{16}$/),
      order_id: expect.stringMatching(/^hd-order:[0-9a-f]{16}$/),
      channel: 'social',
      product_id: 'Roomba Robot Vacuum',
      product_line: 'home_appliances',
      reason_code: 'defective',
      decision: 'pending',
      requested_amount: '0',
      currency: 'CNY',
    });
  });

  it('warns about the 15 rows whose resolution time precedes the first response', () => {
    expect(result.warnings.join('\n')).toMatch(/decided_at before requested_at \(the loader will reject these rows\): 15 rows/);
  });

  it('finds the mapping among the paths when no mappingFile is given', async () => {
    const r = await convertExport('mapping', [EXAMPLE, HELPDESK], await tmp());
    expect(r.counts).toEqual({ refunds: 115, surveys: 33 });
  });
});

describe('mapping features', () => {
  const ordersMapping = {
    table: 'orders',
    filter: { column: 'Kind', equals: 'SALE' },
    columns: {
      order_id: 'Order No',
      customer_id: { column: 'Buyer', hash: true, prefix: 'shopify:' },
      ordered_at: { column: 'Placed', format: 'DD/MM/YYYY', timezone: '+02:00' },
      amount: { column: 'Value (minor)', divide: 100 },
      currency: 'Cur',
      channel: { column: 'Source', values: { 'web shop': 'web' } },
      campaign: 'Promo',
    },
  };

  it('applies filters, day-first dates with a timezone, minor units, hashing and value maps', async () => {
    const out = await tmp();
    const result = await convertExport('mapping', [join(FIX, 'orders-dmy.csv')], out, {
      mappingFile: await writeMapping(ordersMapping),
      reportingCurrency: 'EUR',
    });
    expect(result.counts).toEqual({ orders: 3 });
    const orders = await readOut(join(out, 'orders.csv'));
    expect(orders[0]).toEqual({
      order_id: 'A1',
      customer_id: pseudonymousId('x@example.com', 'shopify:'), // same id the Shopify importer gives that address
      ordered_at: '2021-06-06T22:00:00Z',
      amount: '129.99',
      currency: 'EUR',
      channel: 'web',
      campaign: '',
    });
    expect(orders[1]).toMatchObject({ ordered_at: '2021-06-13T12:05:00Z', amount: '5.00', channel: 'marketplace', campaign: 'SUMMER' });
    expect(orders[1]?.customer_id).toBe(pseudonymousId('y@example.com', 'shopify:'));
    // 31/02 does not exist: written as it was for the loader to reject, and warned
    expect(orders[2]?.ordered_at).toBe('31/02/2021');
    expect(result.warnings.join('\n')).toContain(
      'orders.ordered_at: value is not a valid timestamp; kept as written: 1 row (orders-dmy.csv line 4: 31/02/2021)',
    );
  });

  it.each([
    ['MM/DD/YYYY', '07/06/2021', '2021-07-06T00:00:00Z'],
    ['YYYY-MM-DD', '2021-06-07', '2021-06-07T00:00:00Z'],
    ['unix', '1623024000', '2021-06-07T00:00:00Z'],
    ['iso', '2021-06-07T10:00:00+08:00', '2021-06-07T02:00:00Z'],
  ])('reads format %s', async (format, value, expected) => {
    const dir = await tmp();
    const csv = join(dir, 'data.csv');
    await writeFile(csv, `id,when\nS1,${value}\n`);
    const mapping = await writeMapping(
      `table: surveys\ncolumns:\n  survey_id: id\n  customer_id: id\n  responded_at: { column: when, format: "${format}" }\nconstants: { kind: nps, score: 9 }\n`,
      '.yaml',
    );
    const out = join(dir, 'out');
    await convertExport('mapping', [csv], out, { mappingFile: mapping });
    expect((await readOut(join(out, 'surveys.csv')))[0]?.responded_at).toBe(expected);
  });

  async function mappingError(doc: unknown, data = join(FIX, 'orders-dmy.csv')): Promise<ImportError> {
    try {
      await convertExport('mapping', [data], await tmp(), { mappingFile: await writeMapping(doc) });
    } catch (e) {
      if (e instanceof ImportError) return e;
      throw e;
    }
    throw new Error('expected an ImportError');
  }

  it('rejects an unknown canonical column, naming it', async () => {
    const e = await mappingError({ ...ordersMapping, columns: { ...ordersMapping.columns, order_number: 'Order No' } });
    expect(e.code).toBe('BAD_MAPPING');
    expect(e.message).toContain('unknown column "order_number" for table orders');
  });

  it('rejects a missing source column, naming the column, the file and the mapping key', async () => {
    const e = await mappingError({ ...ordersMapping, columns: { ...ordersMapping.columns, customer_id: { column: 'Buyer Email', hash: true } } });
    expect(e.code).toBe('MISSING_COLUMN');
    expect(e.message).toBe('mapping: orders-dmy.csv lacks column "Buyer Email" (used by orders.customer_id)');
  });

  it('rejects a missing required column, an unknown table, a bad format and unknown keys', async () => {
    const { ordered_at: _dropped, ...withoutOrderedAt } = ordersMapping.columns;
    expect((await mappingError({ ...ordersMapping, columns: withoutOrderedAt })).message).toContain(
      'required column "ordered_at" of orders is neither mapped nor constant',
    );
    expect((await mappingError({ table: 'returns', columns: {} })).message).toContain('unknown table "returns"');
    expect(
      (await mappingError({ ...ordersMapping, columns: { ...ordersMapping.columns, ordered_at: { column: 'Placed', format: 'dd.mm.yy' } } })).message,
    ).toContain('is not a date format');
    expect((await mappingError({ ...ordersMapping, columns: { ...ordersMapping.columns, amount: { colum: 'x' } } })).message).toContain('unknown key "colum"');
    expect((await mappingError({ ...ordersMapping, constants: { currency: 'EURO' } })).message).toContain('column is both mapped and constant');
  });

  it('rejects a mapping that is not valid YAML', async () => {
    const dir = await tmp();
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'table: orders\ncolumns: [unclosed\n');
    await expect(convertExport('mapping', [join(FIX, 'orders-dmy.csv')], join(dir, 'o'), { mappingFile: file })).rejects.toMatchObject({
      code: 'BAD_MAPPING',
      message: expect.stringContaining('bad.yaml is not valid YAML'),
    });
  });

  it('writes exactly the contract header for every mapped table', async () => {
    const out = await tmp();
    await convertExport('mapping', [join(FIX, 'orders-dmy.csv')], out, { mappingFile: await writeMapping(ordersMapping) });
    const [header] = parseCsv(await readFile(join(out, 'orders.csv'), 'utf8')).records;
    expect(header).toEqual([...TABLE_COLUMNS.orders]);
  });
});
