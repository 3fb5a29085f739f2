import { registerEnumType } from '@nestjs/graphql';
import type { DimensionName, Grain } from '@refunds/shared';

export enum GrainEnum {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
  QUARTER = 'QUARTER',
}
registerEnumType(GrainEnum, { name: 'Grain', description: 'Periods in UTC keyed by their first day; WEEK is the ISO week (Monday)' });

export enum DimensionEnum {
  DECISION = 'DECISION',
  CHANNEL = 'CHANNEL',
  PRODUCT_LINE = 'PRODUCT_LINE',
  REASON_CODE = 'REASON_CODE',
  AGENT = 'AGENT',
  TEAM = 'TEAM',
  CAMPAIGN = 'CAMPAIGN',
  CUSTOMER_TYPE = 'CUSTOMER_TYPE',
  PERIOD = 'PERIOD',
}
registerEnumType(DimensionEnum, { name: 'Dimension', description: 'A refund dimension to group by (the metric catalog names each)' });

// Compile-time check that the GraphQL enums and the catalog agree.
const _grain: Record<Grain, GrainEnum> = GrainEnum;
const _dim: Record<DimensionName, DimensionEnum> = DimensionEnum;
void _grain;
void _dim;
