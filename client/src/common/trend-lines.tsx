import { Line } from 'recharts';
import { DECISION_COLORS } from './chart';

/**
 * The approval rate drawn over a refund trend (Overview and Policy), on the chart's `rate` axis. A
 * function, not a component: Recharts reads its children's element types.
 */
export function approvalRateLine(name: string, opts: { clickable?: boolean } = {}) {
  return (
    <Line
      yAxisId="rate"
      dataKey="approvalRate"
      name={name}
      stroke={DECISION_COLORS.approved}
      strokeWidth={2}
      dot={{ r: 2 }}
      {...(opts.clickable ? { activeDot: { r: 5, cursor: 'pointer' } } : {})}
      connectNulls
      isAnimationActive={false}
    />
  );
}
