/** Plain enums (no GraphQL import, so pure code and its unit tests load without Nest); registered in models/alert-enums.ts. */
export enum AlertKind {
  REFUND_SPIKE = 'REFUND_SPIKE',
  SLA_BREACH = 'SLA_BREACH',
  PAYOUT_FAILURES = 'PAYOUT_FAILURES',
  CHANNEL_INCONSISTENCY = 'CHANNEL_INCONSISTENCY',
  INCENTIVE_MISALIGNMENT = 'INCENTIVE_MISALIGNMENT',
  SCHEDULED_PACK = 'SCHEDULED_PACK',
}

export enum AlertFormat {
  JSON = 'JSON',
  SLACK = 'SLACK',
  FEISHU = 'FEISHU',
  DINGTALK = 'DINGTALK',
  WECOM = 'WECOM',
  EMAIL = 'EMAIL',
}

export enum AlertDeliveryStatus {
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
  RETRYING = 'RETRYING',
}

export type AlertLanguage = 'en' | 'zh-CN';
export const ALERT_LANGUAGES: readonly AlertLanguage[] = ['en', 'zh-CN'];
