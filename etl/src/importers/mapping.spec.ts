import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertExport, ImportError, pseudonymousId, TABLE_COLUMNS } from './index';
import { parseCsv } from './csv';
import { specFixtures } from '../testing/fixtures';
import { readOut, tally } from '../testing/importers';

const HELPDESK = specFixtures('helpdesk', 'customer_support_tickets.csv');
const EXAMPLE = join(__dirname, 'examples', 'helpdesk-mapping.yaml');
const FIX = join(__dirname, '__fixtures__');

async function tmp(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'mapping-spec-'));
}

type Rows = Array<Record<string, string>>;

/** Converts through a mapping into a fresh folder and reads back the named tables it wrote. */
async function convertInto(files: string[], options: Parameters<typeof convertExport>[3], tables: readonly string[]) {
  const out = await tmp();
  const result = await convertExport('mapping', files, out, options);
  const read: Record<string, Rows> = {};
  for (const t of tables) read[t] = await readOut(join(out, `${t}.csv`));
  return { out, result, read };
}

async function writeMapping(doc: unknown, ext = '.json'): Promise<string> {
  const file = join(await tmp(), `mapping${ext}`);
  await writeFile(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return file;
}

describe('mapping: the shipped helpdesk example on the helpdesk sample', () => {
  let out: string;
  let result: Awaited<ReturnType<typeof convertExport>>;
  let refunds: Rows;
  let surveys: Rows;
  beforeAll(async () => {
    ({
      out,
      result,
      read: { refunds, surveys },
    } = await convertInto([HELPDESK], { mappingFile: EXAMPLE }, ['refunds', 'surveys']));
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
      _source_file: 'orders-dmy.csv',
      _source_line: '2',
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

  it('writes the contract header for every mapped table, then the source file and line', async () => {
    const out = await tmp();
    await convertExport('mapping', [join(FIX, 'orders-dmy.csv')], out, { mappingFile: await writeMapping(ordersMapping) });
    const [header] = parseCsv(await readFile(join(out, 'orders.csv'), 'utf8')).records;
    expect(header).toEqual([...TABLE_COLUMNS.orders, '_source_file', '_source_line']);
  });
});

describe('mapping: a line-level export (UCI Online Retail layout) through the mapping alone', () => {
  const RETAIL = join(FIX, 'online-retail-lines.csv');
  const RETAIL_MAPPING = join(__dirname, 'examples', 'online-retail-mapping.yaml');
  let result: Awaited<ReturnType<typeof convertExport>>;
  let orders: Rows;
  let refunds: Rows;
  beforeAll(async () => {
    ({
      result,
      read: { orders, refunds },
    } = await convertInto([RETAIL], { mappingFile: RETAIL_MAPPING, reportingCurrency: 'GBP' }, ['orders', 'refunds']));
  });

  it('sums |quantity| x price over the lines of each invoice', () => {
    // by hand: 536365 = 6x2.55 + 6x3.39 + 8x2.75; 536366 = 2 x 6x1.85; 536544 = 2.51 + 2x2.51;
    // 537626 = 12x2.10 + 4x4.25; 538000 = 3x4.95 + 18. The 'A' adjustment is not an order.
    expect(orders.map((o) => [o.order_id, o.amount])).toEqual([
      ['uci:536365', '57.64'],
      ['uci:536366', '22.2'],
      ['uci:536544', '7.53'],
      ['uci:537626', '42.2'],
      ['uci:538000', '32.85'],
    ]);
    // C536379 27.50, C536383 4.65, C537000 2x4.25, C538001 4.95 + 18
    expect(refunds.map((r) => [r.refund_id, r.requested_amount, r.refunded_amount])).toEqual([
      ['uci:C536379', '27.5', '27.5'],
      ['uci:C536383', '4.65', '4.65'],
      ['uci:C537000', '8.5', '8.5'],
      ['uci:C538001', '22.95', '22.95'],
    ]);
    expect(result.counts).toEqual({ orders: 5, refunds: 4 });
  });

  it('reads month-first dates (detected), Latin-1 text, guests and source lines', () => {
    expect(orders[0]).toMatchObject({ ordered_at: '2010-12-01T08:26:00Z', customer_id: 'uci:17850', currency: 'GBP', _source_line: '2' });
    expect(orders[4]).toMatchObject({ ordered_at: '2010-12-13T10:05:00Z', _source_file: 'online-retail-lines.csv', _source_line: '15' });
    expect(orders[2]?.customer_id).toBe('guest:uci:536544');
    expect(refunds[2]).toMatchObject({ customer_id: 'guest:uci:C537000', product_id: '22960', decision: 'approved', requested_at: '2010-12-09T16:00:00Z' });
    expect(refunds[3]).toMatchObject({ product_id: '23245', _source_line: '17' });
    const w = result.warnings.join('\n');
    expect(w).toContain('online-retail-lines.csv decoded as windows-1252');
    expect(w).toContain('tables[0](orders).columns.ordered_at: dates read as M/D/YYYY H:mm (detected from the values');
    expect(w).toMatch(/tables\[0\]\(orders\): rows without a customer \(guest checkouts\) given the pseudo-customer guest:<order_id>: 1 row/);
    expect(w).toMatch(/tables\[1\]\(refunds\): rows without a customer .*: 1 row/);
    expect(w).not.toMatch(/lines of one group differ/);
  });
});

describe('mapping: aggregation, detection and guests', () => {
  async function csv(text: string, name = 'lines.csv'): Promise<string> {
    const file = join(await tmp(), name);
    await writeFile(file, text);
    return file;
  }
  const LINES = 'Order,Customer,When,Qty,Price\nA,c1,3/4/2025 10:00,2,1.50\nA,c2,3/4/2025 11:00,1,0.25\nB,,3/5/2025 09:00,-1,4\n';

  it('aggregates with min, max, last and count, and warns when a plain column differs within a group', async () => {
    const out = await tmp();
    const r = await convertExport('mapping', [await csv(LINES)], out, {
      mappingFile: await writeMapping({
        table: 'orders',
        group_by: 'Order',
        columns: {
          order_id: 'Order',
          customer_id: 'Customer',
          ordered_at: { column: 'When', aggregate: 'max', format: 'M/D/YYYY' },
          amount: { aggregate: 'count' },
          campaign: { expr: "concat(Qty, 'x', Price)", aggregate: 'last' },
        },
        constants: { currency: 'EUR' },
      }),
    });
    const rows = await readOut(join(out, 'orders.csv'));
    expect(rows.map((o) => [o.order_id, o.customer_id, o.ordered_at, o.amount, o.campaign])).toEqual([
      ['A', 'c1', '2025-03-04T11:00:00Z', '2', '1x0.25'],
      ['B', 'guest:B', '2025-03-05T09:00:00Z', '1', '-1x4'],
    ]);
    expect(r.warnings.join('\n')).toMatch(
      /orders.customer_id: the lines of one group differ and the first line's value is kept.*: 1 row \(Order A \(lines.csv line 2\)\)/,
    );
  });

  it('warns when lines share a key without group_by, naming both lines and suggesting group_by', async () => {
    const r = await convertExport('mapping', [await csv(LINES)], await tmp(), {
      mappingFile: await writeMapping({
        table: 'orders',
        columns: { order_id: 'Order', customer_id: 'Customer', ordered_at: { column: 'When', format: 'M/D/YYYY' }, amount: { expr: 'abs(Qty) * Price' } },
      }),
    });
    expect(r.counts).toEqual({ orders: 2 });
    expect(r.warnings.join('\n')).toContain(
      'orders: several lines share one order_id and only the last is kept; if they are lines of one order, set group_by and an aggregate',
    );
    expect(r.warnings.join('\n')).toContain('A: lines.csv line 2 and lines.csv line 3');
  });

  it('keeps guest rows empty with guest: reject', async () => {
    const out = await tmp();
    await convertExport('mapping', [await csv(LINES)], out, {
      mappingFile: await writeMapping({
        table: 'orders',
        guest: 'reject',
        group_by: ['Order'],
        columns: {
          order_id: 'Order',
          customer_id: { column: 'Customer', aggregate: 'first' },
          ordered_at: { column: 'When', format: 'M/D/YYYY', aggregate: 'min' },
        },
      }),
    });
    expect((await readOut(join(out, 'orders.csv'))).map((o) => o.customer_id)).toEqual(['c1', '']);
  });

  it('stops on dates that can be month-first or day-first, saying which option to set', async () => {
    await expect(
      convertExport('mapping', [await csv(LINES)], await tmp(), {
        mappingFile: await writeMapping({ table: 'orders', columns: { order_id: 'Order', customer_id: 'Customer', ordered_at: 'When' } }),
      }),
    ).rejects.toMatchObject({
      code: 'BAD_MAPPING',
      message:
        'mapping: lines.csv: orders.columns.ordered_at: dates such as "3/4/2025 10:00" can be read as M/D/YYYY H:mm or D/M/YYYY H:mm (no day or month above 12 tells); set format: M/D/YYYY H:mm or format: D/M/YYYY H:mm for orders.columns.ordered_at in the mapping',
    });
  });

  it('detects D.M.YYYY and Chinese dates, and reads an IANA time zone with DST', async () => {
    const out = await tmp();
    const file = await csv('id,cust,de,cn\n1,a,1.7.2025 10:00,2025年1月15日 10:00\n2,b,2.7.2025,2025年7月15日\n');
    await convertExport('mapping', [file], out, {
      mappingFile: await writeMapping({
        tables: [
          { table: 'orders', timezone: 'Europe/London', columns: { order_id: 'id', customer_id: 'cust', ordered_at: 'de' } },
          {
            table: 'surveys',
            columns: { survey_id: 'id', customer_id: 'cust', responded_at: { column: 'cn', timezone: 'Asia/Shanghai' } },
            constants: { kind: 'csat', score: 5 },
          },
        ],
      }),
    });
    expect((await readOut(join(out, 'orders.csv'))).map((o) => o.ordered_at)).toEqual(['2025-07-01T09:00:00Z', '2025-07-01T23:00:00Z']);
    expect((await readOut(join(out, 'surveys.csv'))).map((o) => o.responded_at)).toEqual(['2025-01-15T02:00:00Z', '2025-07-14T16:00:00Z']);
  });

  it('filters with an expression and validates expressions, aggregates and zones up front', async () => {
    const out = await tmp();
    await convertExport('mapping', [await csv(LINES)], out, {
      mappingFile: await writeMapping({
        table: 'orders',
        filter: { expr: 'Qty * Price > 1' },
        columns: { order_id: 'Order', customer_id: 'Customer', ordered_at: { column: 'When', format: 'M/D/YYYY' } },
      }),
    });
    expect((await readOut(join(out, 'orders.csv'))).map((o) => o.order_id)).toEqual(['A']);
    const base = { table: 'orders', columns: { order_id: 'Order', customer_id: 'Customer', ordered_at: { column: 'When', format: 'M/D/YYYY' } } };
    const bad = async (doc: unknown): Promise<string> => {
      try {
        await convertExport('mapping', [await csv(LINES)], await tmp(), { mappingFile: await writeMapping(doc) });
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(await bad({ ...base, columns: { ...base.columns, amount: { expr: 'Qty *' } } })).toMatch(/orders.columns.amount.expr: "Qty \*":/);
    expect(await bad({ ...base, columns: { ...base.columns, amount: { expr: 'Qty * Cost' } } })).toBe(
      'mapping: lines.csv lacks column "Cost" (used by orders.amount)',
    );
    expect(await bad({ ...base, columns: { ...base.columns, amount: { column: 'Qty', aggregate: 'sum' } } })).toMatch(/an aggregate needs group_by/);
    expect(await bad({ ...base, group_by: 'Order', columns: { ...base.columns, campaign: { column: 'Qty', aggregate: 'sum' } } })).toMatch(
      /sum needs an amount or whole-number column/,
    );
    expect(await bad({ ...base, timezone: 'Mars/Olympus' })).toMatch(/orders.timezone: expected an offset such as \+08:00 or UTC, or an IANA time zone/);
  });
});
