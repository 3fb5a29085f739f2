import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'How far the alert rules have looked' })
export class AlertStatus {
  @Field(() => Int, { description: 'The warehouse data version now' }) dataVersion!: number;
  @Field(() => Int, { nullable: true, description: 'The data version the rules were last evaluated on' }) evaluatedDataVersion!: number | null;
  @Field(() => Int, { description: 'Deliveries waiting for a retry' }) retrying!: number;
}
