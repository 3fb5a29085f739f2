import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { decodeText, formatCsv, parseCsv, readCsvTable } from './csv';
import { ImportError } from './common';

describe('parseCsv (RFC 4180)', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks, and records their lines', () => {
    const text = 'a,b,c\r\n1,"x, y","say ""hi"""\r\n2,"multi\nline",\n3,,"z"';
    const { records, lines } = parseCsv(text);
    expect(records).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', 'multi\nline', ''],
      ['3', '', 'z'],
    ]);
    expect(lines).toEqual([1, 2, 3, 5]);
  });

  it('strips a BOM, accepts LF / CR line ends, skips blank lines and keeps a trailing empty field', () => {
    const { records } = parseCsv('\uFEFFh1,h2\n\nv1,\rv3,v4\n');
    expect(records).toEqual([
      ['h1', 'h2'],
      ['v1', ''],
      ['v3', 'v4'],
    ]);
  });

  it('is lenient with a stray quote inside an unquoted field', () => {
    expect(parseCsv('a,b\n5" screen,x').records[1]).toEqual(['5" screen', 'x']);
  });

  it('rejects an unterminated quoted field', () => {
    expect(() => parseCsv('a,b\n"open,1\n')).toThrow(/unterminated quoted field starting on line 2/);
  });

  it('detects a semicolon delimiter from the header line', () => {
    expect(parseCsv('a;b\n1,5;2').records).toEqual([
      ['a', 'b'],
      ['1,5', '2'],
    ]);
  });
});

describe('formatCsv', () => {
  it('quotes only what needs quoting and round-trips through parseCsv', () => {
    const rows = [
      { id: '1', text: 'plain', n: null },
      { id: '2', text: 'comma, "quote"\nnewline', n: ' padded ' },
    ];
    const text = formatCsv(['id', 'text', 'n'], rows);
    expect(text).toBe('id,text,n\n1,plain,\n2,"comma, ""quote""\nnewline"," padded "\n');
    expect(parseCsv(text).records.slice(1)).toEqual([
      ['1', 'plain', ''],
      ['2', 'comma, "quote"\nnewline', ' padded '],
    ]);
  });
});

describe('decodeText / readCsvTable', () => {
  it('decodes GB18030 text that is not UTF-8', () => {
    const buf = iconv.encode('订单号,金额\nA1,12.50\n', 'gb18030');
    expect(decodeText(buf)).toEqual({ text: '订单号,金额\nA1,12.50\n', encoding: 'gb18030' });
  });

  it.each([
    ['InvoiceNo,Description\n538000,SET/3 CRÈME BRÛLÉE RAMEKINS\n', 'windows-1252'],
    ['name,city\nJosé Müller,Zürich £5 – 10°\n', 'windows-1252'],
    ['客户,退款原因\n张三,质量问题，屏幕有划痕\n', 'gb18030'],
    ['id,名\n1,王\n', 'gb18030'],
  ])('tells Windows-1252 from GB18030: %j', (text, encoding) => {
    expect(decodeText(iconv.encode(text, encoding))).toEqual({ text, encoding });
  });

  it('decodes as the user says', () => {
    // GB18030 bytes the user says are Latin-1: taken as written, not second-guessed
    expect(decodeText(iconv.encode('王', 'gb18030'), 'windows-1252')).toEqual({ text: 'Íõ', encoding: 'windows-1252' });
    expect(decodeText(iconv.encode('Crème', 'windows-1252'), 'gb18030').encoding).toBe('gb18030');
  });

  it('matches header names case-insensitively and names the file of a missing column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csv-spec-'));
    const file = join(dir, 'export.csv');
    await writeFile(file, '\uFEFFLineitem SKU,  Financial   Status \nA,paid\n');
    const t = await readCsvTable(file, 'shopify-orders');
    expect(t.col('Lineitem sku')).toBe(0);
    expect(t.col('financial status')).toBe(1);
    expect(t.where(0)).toBe('export.csv line 2');
    const err = (() => {
      try {
        t.require('Total');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).code).toBe('MISSING_COLUMN');
    expect((err as ImportError).message).toBe('shopify-orders: export.csv lacks column "Total"');
    expect(await readFile(file, 'utf8')).toContain('Lineitem SKU');
  });
});
