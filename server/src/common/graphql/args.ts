import { Args, Int } from '@nestjs/graphql';
import { GrainEnum } from './enums';
import { RefundFilterInput } from './refund-filter.input';

/** The optional `filter: RefundFilter` argument every analytics query takes. */
export const FilterArg = (): ParameterDecorator => Args('filter', { type: () => RefundFilterInput, nullable: true });

/** The `grain: Grain = WEEK` argument of the queries that answer per period. */
export const GrainArg = (description?: string): ParameterDecorator => Args('grain', { type: () => GrainEnum, defaultValue: GrainEnum.WEEK, description });

/** The `id: Int!` of the stored record a mutation acts on. */
export const IdArg = (): ParameterDecorator => Args('id', { type: () => Int });
