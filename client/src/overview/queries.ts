export const OVERVIEW_FIELDS = `refunds decided orders pending refundedAmount approvalRate rejectionRate partialRate refundRate
  slaMetRate overduePending payoutFailureRate payoutN evidenceCompleteRate evidenceN reviewGapCount csatAvg csatResponses
  nps npsResponses repurchaseRate repurchaseEligible resolutionHoursMean resolutionHoursP50 resolutionHoursP90`;

export const OVERVIEW_QUERY = `query Overview($f: RefundFilter) { overview(filter: $f) { ${OVERVIEW_FIELDS} previous { ${OVERVIEW_FIELDS} } } }`;

export const TREND_QUERY = `query RefundTrend($f: RefundFilter, $grain: Grain) { refundTrend(filter: $f, grain: $grain) {
  period refunds decided approvalRate rejectionRate refundedAmount } }`;

export const ECONOMICS_QUERY = `query RejectionEconomics($f: RefundFilter, $w: Int) { rejectionEconomics(filter: $f, windowDays: $w) {
  savings revenueGap net rejectedCount eligible } }`;
