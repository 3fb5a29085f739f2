export const OVERVIEW_FIELDS = /* GraphQL */ `fragment OverviewFields on Overview { refunds decided orders pending refundedAmount approvalRate rejectionRate partialRate refundRate slaMetRate overduePending payoutFailureRate payoutN evidenceCompleteRate evidenceN reviewGapCount csatAvg csatResponses nps npsResponses repurchaseRate repurchaseEligible resolutionHoursMean resolutionHoursP50 resolutionHoursP90 }`;

export const OVERVIEW_QUERY = /* GraphQL */ `query Overview($f: RefundFilter) { overview(filter: $f) { ...OverviewFields previous { ...OverviewFields } } }
  ${OVERVIEW_FIELDS}`;

export const TREND_QUERY = /* GraphQL */ `query RefundTrend($f: RefundFilter, $grain: Grain) { refundTrend(filter: $f, grain: $grain) { period refunds decided approvalRate rejectionRate refundedAmount } }`;

export const ECONOMICS_QUERY = /* GraphQL */ `query RejectionEconomics($f: RefundFilter, $w: Int) { rejectionEconomics(filter: $f, windowDays: $w) { savings revenueGap net rejectedCount eligible } }`;

export const EFFECT_FIELDS = /* GraphQL */ `fragment RejectionEffectFields on RejectionEffect { att attLow attHigh rateAtt rateLow rateHigh naiveGap rateNaiveGap matchedRejected matchedStrata coverage lostRevenue savings net eligibleRejected }`;

export const EFFECT_QUERY = /* GraphQL */ `query RejectionEffect($f: RefundFilter, $w: Int) { rejectionEffect(filter: $f, windowDays: $w) { ...RejectionEffectFields } }
  ${EFFECT_FIELDS}`;
