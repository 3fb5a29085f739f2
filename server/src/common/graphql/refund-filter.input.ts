import { Field, InputType } from '@nestjs/graphql';
import { FILTER_COLUMNS, type FilterListField, type RefundFilter } from '@refunds/shared';
import { DateScalar } from './date.scalar';

/**
 * The GraphQL input of a RefundFilter: from and to here, and one list field per FILTER_COLUMNS key (below). Code reads it as a
 * RefundFilter, whose type declares the list fields.
 */
@InputType('RefundFilter', { description: 'Narrows refunds; every metric honours every filter that applies to it.' })
export class RefundFilterInput implements RefundFilter {
  @Field(() => DateScalar, { nullable: true, description: 'requested_at on or after this day (inclusive)' })
  from?: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'requested_at before this day (exclusive)' })
  to?: string | null;
}

// Each dimension the catalog lets a filter narrow (FILTER_COLUMNS) is an optional [String] field.
for (const list of Object.keys(FILTER_COLUMNS) as FilterListField[]) Field(() => [String], { nullable: true })(RefundFilterInput.prototype, list);
