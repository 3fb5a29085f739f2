import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'One system refunds were imported from, and what it brought' })
export class ReconciliationSource {
  @Field({ description: 'shopify, stripe, zendesk (source records), or files (refunds loaded directly)' }) source!: string;
  @Field({ description: 'shop, payments, helpdesk or files' }) role!: string;
  @Field(() => Int, { description: 'Records imported from it (shop: every order; payments: payment refunds; helpdesk: refund tickets)' })
  records!: number;
  @Field(() => Int, { description: 'Refunds (under the filter) it contributes to' }) refunds!: number;
}

@ObjectType({ description: 'A disagreement between sources (reconciliation.md), listed, never resolved' })
export class ReconciliationConflict {
  @Field({ description: 'AMOUNT_MISMATCH, DECISION_MISMATCH, APPROVED_NOT_PAID, PAID_WITHOUT_TICKET or UNKNOWN_ORDER' }) kind!: string;
  @Field() refundId!: string;
  @Field(() => String, { nullable: true }) orderId!: string | null;
  @Field() detail!: string;
}

@ObjectType()
export class ConflictCount {
  @Field() kind!: string;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: 'How the imported sources merged into refunds, and where they disagree' })
export class Reconciliation {
  @Field(() => [ReconciliationSource]) sources!: ReconciliationSource[];
  @Field(() => [ReconciliationConflict]) conflicts!: ReconciliationConflict[];
  @Field(() => [ConflictCount], { description: 'Conflicts per kind (every kind, 0 included)' }) counts!: ConflictCount[];
}
