import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertExport, IMPORT_FORMATS, ImportError, isImportFormat } from './index';
import { parseCsv } from './csv';
import { specFixtures } from '../testing/fixtures';

const FIXTURES = specFixtures();

async function tmp(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'importers-spec-'));
}

describe('convertExport', () => {
  it('lists the five formats', () => {
    expect(IMPORT_FORMATS).toEqual(['shopify-orders', 'stripe-refunds', 'zendesk-tickets', 'nps-survey', 'mapping']);
    expect(isImportFormat('mapping')).toBe(true);
    expect(isImportFormat('shopify')).toBe(false);
  });

  it('rejects an unknown format, listing the valid ones, and writes nothing', async () => {
    const out = join(await tmp(), 'out');
    const p = convertExport('shopify', [join(FIXTURES, 'shopify/orders_export.csv')], out, {});
    await expect(p).rejects.toBeInstanceOf(ImportError);
    await expect(p).rejects.toMatchObject({
      code: 'UNKNOWN_FORMAT',
      message: 'unknown import format "shopify"; valid formats: shopify-orders, stripe-refunds, zendesk-tickets, nps-survey, mapping',
    });
    await expect(readdir(out)).rejects.toThrow();
  });

  it('rejects a missing input and an invalid reporting currency', async () => {
    await expect(convertExport('nps-survey', ['/nonexistent/answers.csv'], await tmp(), {})).rejects.toMatchObject({
      code: 'BAD_FILE',
      message: 'nps-survey: input "/nonexistent/answers.csv" does not exist',
    });
    await expect(convertExport('nps-survey', [], await tmp(), {})).rejects.toMatchObject({ code: 'NO_INPUT' });
    await expect(convertExport('nps-survey', [join(FIXTURES, 'surveys/nps_responses.csv')], await tmp(), { reportingCurrency: 'yuan' })).rejects.toMatchObject({
      code: 'BAD_OPTION',
    });
  });

  it('accepts a folder of exports (zendesk tickets + ratings) and reports files and counts', async () => {
    const out = await tmp();
    const r = await convertExport('zendesk-tickets', [join(FIXTURES, 'zendesk')], out, { reportingCurrency: 'usd', alone: true });
    expect(r.files).toEqual([join(out, 'refunds.csv'), join(out, 'surveys.csv'), join(out, 'agents.csv')]);
    expect(r.counts).toEqual({ refunds: 35, surveys: 15, agents: 4 });
    const [, first] = parseCsv(await readFile(join(out, 'refunds.csv'), 'utf8')).records;
    expect(first?.[15]).toBe('USD'); // currency column: the reporting currency given
  });

  it('collapses duplicate keys (last wins) and says so', async () => {
    const dir = await tmp();
    await mkdir(join(dir, 'in'));
    await writeFile(join(dir, 'in', 'a.csv'), 'id,score,date\nR1,3,2024-01-01\nR1,9,2024-01-02\nR2,10,2024-01-03\n');
    await writeFile(
      join(dir, 'in', 'map.yaml'),
      'table: surveys\ncolumns: { survey_id: id, customer_id: id, score: score, responded_at: date }\nconstants: { kind: nps }\n',
    );
    const r = await convertExport('mapping', [join(dir, 'in')], join(dir, 'out'), {});
    expect(r.counts).toEqual({ surveys: 2 });
    const rows = parseCsv(await readFile(join(dir, 'out', 'surveys.csv'), 'utf8')).records;
    expect(rows.slice(1).map((x) => [x[0], x[4]])).toEqual([
      ['R1', '9'],
      ['R2', '10'],
    ]);
    expect(r.warnings).toContain('surveys: duplicate survey_id; the last row kept: 1 row (R1)');
  });

  it('collapses rows sharing a composite key (fx_rates: date + currency), as the loader would', async () => {
    const dir = await tmp();
    await mkdir(join(dir, 'in'));
    await writeFile(join(dir, 'in', 'fx.csv'), 'd,c,r\n2024-01-01,USD,7.1\n2024-01-01,EUR,7.8\n2024-01-01,USD,7.2\n2024-01-02,USD,7.3\n');
    await writeFile(join(dir, 'in', 'map.yaml'), 'table: fx_rates\ncolumns: { date: d, currency: c, rate_to_reporting: r }\n');
    const r = await convertExport('mapping', [join(dir, 'in')], join(dir, 'out'), {});
    expect(r.counts).toEqual({ fx_rates: 3 });
    const rows = parseCsv(await readFile(join(dir, 'out', 'fx_rates.csv'), 'utf8')).records;
    expect(rows.slice(1).map((x) => x.slice(0, 3))).toEqual([
      ['2024-01-01', 'USD', '7.2'],
      ['2024-01-01', 'EUR', '7.8'],
      ['2024-01-02', 'USD', '7.3'],
    ]);
    expect(r.warnings).toContain('fx_rates: duplicate date + currency; the last row kept: 1 row (2024-01-01, USD)');
  });
});
