import { registerEnumType } from '@nestjs/graphql';
import { DIMENSIONS, GRAINS } from '@refunds/shared';
import { keyedEnum, type EnumValue } from '../keyed-enum';

/** The catalog's grains and dimensions as GraphQL enums, so the schema and the catalog cannot disagree. */
export const GrainEnum = keyedEnum(GRAINS);
export type GrainEnum = EnumValue<typeof GrainEnum>;
registerEnumType(GrainEnum, { name: 'Grain', description: 'Periods in UTC keyed by their first day; WEEK is the ISO week (Monday)' });

export const DimensionEnum = keyedEnum(DIMENSIONS.map((d) => d.name));
export type DimensionEnum = EnumValue<typeof DimensionEnum>;
registerEnumType(DimensionEnum, { name: 'Dimension', description: 'A refund dimension to group by (the metric catalog names each)' });
