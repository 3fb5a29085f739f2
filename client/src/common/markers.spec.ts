import { labelRows, markersOnAxis, periodOf } from './markers';

describe('time markers', () => {
  test('a marker falls in the period (UTC, ISO week) that holds its day', () => {
    expect(periodOf('2025-03-09', 'WEEK')).toBe('2025-03-03');
    expect(periodOf('2025-03-09T23:00:00Z', 'MONTH')).toBe('2025-03-01');
    expect(periodOf('2025-11-30', 'QUARTER')).toBe('2025-10-01');
  });

  test('markers in one period share a line; markers off the axis are dropped', () => {
    const m = markersOnAxis(
      [
        { date: '2025-03-04', kind: 'annotation', label: 'a' },
        { date: '2025-03-06', kind: 'policy', label: 'b' },
        { date: '2026-01-01', kind: 'policy', label: 'c' },
      ],
      ['2025-03-03', '2025-03-10'],
      'WEEK',
    );
    expect(m).toEqual([{ x: '2025-03-03', kind: 'policy', label: 'a · b' }]);
  });

  test('labels of nearby markers go to the next row; far apart ones stay on top', () => {
    expect(labelRows([0, 30, 60], 10)).toEqual([0, 0, 0]);
    expect(labelRows([50, 52, 55, 80], 10)).toEqual([0, 1, 2, 0]);
    // rows are reused as soon as the label above is far enough behind
    expect(labelRows([0, 5, 12, 14], 10)).toEqual([0, 1, 0, 2]);
    expect(labelRows([0, 5, 12, 16], 10)).toEqual([0, 1, 0, 1]);
    // never more than maxRows rows
    expect(labelRows([0, 1, 2, 3], 10, 2)).toEqual([0, 1, 1, 1]);
  });
});
