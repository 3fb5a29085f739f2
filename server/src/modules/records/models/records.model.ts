import { Field, Float, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { NullableFloat } from '../../../common/graphql/fields';
import { DateScalar } from '../../../common/graphql/date.scalar';
import { GrainEnum } from '../../../common/graphql/enums';

@InputType({ description: 'Narrows a drill-down to the chart segment clicked (on top of the page filter)' })
export class RefundDrill {
  @Field(() => [String], { nullable: true }) decisions?: string[] | null;
  @Field(() => [String], { nullable: true }) reasonFamilies?: string[] | null;
  @Field(() => [String], { nullable: true }) productIds?: string[] | null;
  @Field(() => [String], { nullable: true }) customerTypes?: string[] | null;
  @Field(() => DateScalar, { nullable: true, description: 'First day of the period clicked (with grain)' }) periodStart?: string | null;
  @Field(() => GrainEnum, { nullable: true }) grain?: GrainEnum | null;
  @Field(() => String, { nullable: true, description: '[0,50), [50,200), [200,1000) or [1000,inf)' }) amountBand?: string | null;
}

@ObjectType({ description: 'Which source gave a field of a reconciled refund' })
export class FieldSource {
  @Field({ description: 'canonical column, e.g. refunded_amount' }) field!: string;
  @Field({ description: 'the system it came from, e.g. stripe' }) source!: string;
}

@ObjectType({ description: 'The source records a reconciled refund was merged from (reconciliation.md)' })
export class RefundSources {
  @Field(() => String, { nullable: true, description: 'helpdesk ticket id' }) ticketId!: string | null;
  @Field(() => [String], { description: 'payment refund ids, oldest first' }) paymentIds!: string[];
  @Field(() => String, { nullable: true, description: 'the shop order as the shop writes it' }) shopOrderId!: string | null;
  @Field(() => [FieldSource]) fields!: FieldSource[];
}

@ObjectType()
export class RefundRecord {
  @Field() refundId!: string;
  @Field() orderId!: string;
  @Field({ description: 'The customer id for admins; a pseudonym for every other role' }) customerId!: string;
  @Field(() => String, { nullable: true }) agentId!: string | null;
  @Field(() => String, { nullable: true }) agentName!: string | null;
  @Field() channel!: string;
  @Field(() => String, { nullable: true }) productId!: string | null;
  @Field(() => String, { nullable: true }) productLine!: string | null;
  @Field() reasonCode!: string;
  @Field() reasonFamily!: string;
  @Field() requestedAt!: Date;
  @Field(() => Date, { nullable: true }) decidedAt!: Date | null;
  @Field() decision!: string;
  @Field(() => Float) requestedAmount!: number;
  @NullableFloat() refundedAmount!: number | null;
  @NullableFloat() resolutionHours!: number | null;
  @Field() customerType!: string;
  @Field(() => String, { nullable: true }) campaign!: string | null;
  @Field(() => RefundSources, { nullable: true, description: 'Source ids and lineage; null for refunds loaded from canonical files' })
  sources!: RefundSources | null;
}

@ObjectType()
export class RefundPage {
  @Field(() => Int) total!: number;
  @Field(() => [RefundRecord]) rows!: RefundRecord[];
}

export enum BreakdownByEnum {
  PRODUCT = 'PRODUCT',
  REASON_CODE = 'REASON_CODE',
}
registerEnumType(BreakdownByEnum, { name: 'BreakdownBy', description: 'What refundBreakdown groups the selected refunds by' });
export type BreakdownBy = `${BreakdownByEnum}`;

@ObjectType()
export class BreakdownGroup {
  @Field(() => String, { nullable: true }) key!: string | null;
  @Field(() => String, { nullable: true, description: "A product's usual product line, or a reason code's family" }) detail!: string | null;
  @Field(() => Int) refunds!: number;
  @Field(() => Float) refundedAmount!: number;
}

@ObjectType({ description: 'Counts per product or reason behind a selection, largest first; total counts every refund selected' })
export class RefundBreakdown {
  @Field(() => Int) total!: number;
  @Field(() => [BreakdownGroup]) groups!: BreakdownGroup[];
}
