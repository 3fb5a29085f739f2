import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'One audited action: who, when, what, from which address' })
export class AuditEntry {
  @Field(() => Int) id!: number;
  @Field({ description: 'ISO 8601 time (UTC)' }) at!: string;
  @Field({ description: 'User name, or the e-mail tried for a failed sign-in' }) actor!: string;
  @Field() action!: string;
  @Field() detail!: string;
  @Field({ description: 'Client address' }) address!: string;
}
