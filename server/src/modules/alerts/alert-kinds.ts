import { keyedEnum, type EnumValue } from '../../common/keyed-enum';

/** Plain enums (no GraphQL import, so pure code and its unit tests load without Nest); registered in models/alert-enums.ts. */
export const AlertKind = keyedEnum(['REFUND_SPIKE', 'SLA_BREACH', 'PAYOUT_FAILURES', 'CHANNEL_INCONSISTENCY', 'INCENTIVE_MISALIGNMENT', 'SCHEDULED_PACK']);
export type AlertKind = EnumValue<typeof AlertKind>;

export const AlertFormat = keyedEnum(['JSON', 'SLACK', 'FEISHU', 'DINGTALK', 'WECOM', 'EMAIL']);
export type AlertFormat = EnumValue<typeof AlertFormat>;

export const AlertDeliveryStatus = keyedEnum(['DELIVERED', 'FAILED', 'RETRYING']);
export type AlertDeliveryStatus = EnumValue<typeof AlertDeliveryStatus>;

export type AlertLanguage = 'en' | 'zh-CN';
export const ALERT_LANGUAGES: readonly AlertLanguage[] = ['en', 'zh-CN'];
