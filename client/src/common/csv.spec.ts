import { csvCell, slug, toCsv } from './csv';

describe('CSV export', () => {
  test('quotes commas, quotes and newlines (RFC 4180)', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line1\nline2')).toBe('"line1\nline2"');
    expect(csvCell('plain')).toBe('plain');
  });

  test('numbers stay numbers; null and NaN are empty', () => {
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(null)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(true)).toBe('true');
  });

  test('text a spreadsheet would run as a formula is neutralized', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-cmd')).toBe("'-cmd");
    expect(csvCell('@sum')).toBe("'@sum");
  });

  test('a table: BOM, header, CRLF rows, Chinese intact', () => {
    const s = toCsv(
      ['渠道', 'rate'],
      [
        ['web', 0.5],
        ['a,b', null],
      ],
    );
    expect(s).toBe('\uFEFF渠道,rate\r\nweb,0.5\r\n"a,b",\r\n');
  });

  test('file names', () => {
    expect(slug('Policy impact: 退款 / Q1')).toBe('Policy-impact-退款-Q1');
    expect(slug('')).toBe('export');
  });
});
