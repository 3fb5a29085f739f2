export const OVERVIEW_FIELDS = `refunds decided orders pending refundedAmount approvalRate rejectionRate partialRate refundRate
  slaMetRate overduePending payoutFailureRate payoutN evidenceCompleteRate evidenceN reviewGapCount csatAvg csatResponses
  nps npsResponses repurchaseRate repurchaseEligible resolutionHoursMean resolutionHoursP50 resolutionHoursP90`;

export const OVERVIEW_QUERY = `query Overview($f: RefundFilter) { overview(filter: $f) { ${OVERVIEW_FIELDS} previous { ${OVERVIEW_FIELDS} } } }`;

export const TREND_QUERY = `query RefundTrend($f: RefundFilter, $grain: Grain) { refundTrend(filter: $f, grain: $grain) {
  period refunds decided approvalRate rejectionRate refundedAmount } }`;

export const ECONOMICS_QUERY = `query RejectionEconomics($f: RefundFilter, $w: Int) { rejectionEconomics(filter: $f, windowDays: $w) {
  savings revenueGap net rejectedCount eligible } }`;

export const EFFECT_FIELDS = `att attLow attHigh rateAtt rateLow rateHigh naiveGap rateNaiveGap matchedRejected matchedStrata coverage
  lostRevenue savings net eligibleRejected`;

export const EFFECT_QUERY = `query RejectionEffect($f: RefundFilter, $w: Int) { rejectionEffect(filter: $f, windowDays: $w) { ${EFFECT_FIELDS} } }`;
