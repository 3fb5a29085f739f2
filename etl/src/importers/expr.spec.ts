import { compileExpr, exprToCell, ExprSyntaxError, ExprValueError } from './expr';

function run(text: string, row: Record<string, string> = {}, line = 7): string | null {
  const lower = Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v]));
  return exprToCell(compileExpr(text).evaluate({ get: (c) => lower[c.toLowerCase()] ?? '', line }));
}

describe('mapping expressions', () => {
  it('computes exact decimals', () => {
    expect(run('abs(Quantity) * UnitPrice', { Quantity: '-3', UnitPrice: '2.55' })).toBe('7.65');
    expect(run('a + b', { a: '0.1', b: '0.2' })).toBe('0.3');
    expect(run('round(a / 3, 2)', { a: '10' })).toBe('3.33');
    expect(run('round(2.5)')).toBe('3');
    expect(run('-a % 4', { a: '10' })).toBe('-2');
    expect(run('price * 1', { price: '£1,234.50' })).toBe('1234.5');
    expect(run('min(3, a, 1.5)', { a: '' })).toBe('1.5');
    expect(run('max(a, b)', { a: '2', b: '10' })).toBe('10');
  });

  it('handles nulls, text, conditions and line numbers', () => {
    expect(run('a * 2', { a: '' })).toBeNull();
    expect(run('a / 0', { a: '5' })).toBeNull();
    expect(run("coalesce(a, b, 'none')", { a: ' ', b: '' })).toBe('none');
    expect(run("concat('uci:', InvoiceNo, '-', line())", { InvoiceNo: 'C536379' }, 12)).toBe('uci:C536379-12');
    expect(run("if(startswith(InvoiceNo, 'C'), 'refund', 'order')", { InvoiceNo: 'C536379' })).toBe('refund');
    expect(run("if(startswith(InvoiceNo, 'C'), 'refund', 'order')", { InvoiceNo: '536365' })).toBe('order');
    expect(run("if(Quantity < 0 && Status != 'test', 1, 0)", { Quantity: '-1', Status: 'LIVE' })).toBe('1');
    expect(run("Status == 'live'", { Status: 'LIVE' })).toBe('true');
    expect(run('a == b', { a: '10', b: '10.00' })).toBe('true');
    expect(run('a > b', { a: '9', b: '10' })).toBe('false');
    expect(run('a == null', { a: '' })).toBe('true');
    expect(run("col('Ticket ID') * 1", { 'Ticket ID': '42' })).toBe('42');
    expect(run("upper(trim(concat(' ', lower(a), ' ')))", { a: 'Ab' })).toBe('AB');
  });

  it('lists the columns it reads', () => {
    expect(compileExpr("abs(Quantity) * UnitPrice + col('Unit Tax')").columns.sort()).toEqual(['Quantity', 'Unit Tax', 'UnitPrice']);
  });

  it('refuses anything outside the whitelist', () => {
    expect(() => compileExpr('process.exit(1)')).toThrow(ExprSyntaxError);
    expect(() => compileExpr('eval("1")')).toThrow(/unknown function eval/);
    expect(() => compileExpr('a = 1')).toThrow(ExprSyntaxError);
    expect(() => compileExpr('[1, 2]')).toThrow(ExprSyntaxError);
    expect(() => compileExpr('a | 1')).toThrow(/operator "\|"/);
    expect(() => compileExpr('abs(1, 2)')).toThrow(/abs\(\) takes 1/);
    expect(() => compileExpr('col(a)')).toThrow(/col\(\) takes a column name in quotes/);
    expect(() => compileExpr('1 +')).toThrow(ExprSyntaxError);
  });

  it('reports a cell that is not a number, with the cell', () => {
    try {
      run('Quantity * 2', { Quantity: 'twelve' });
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(ExprValueError);
      expect((e as ExprValueError).value).toBe('twelve');
    }
  });
});
