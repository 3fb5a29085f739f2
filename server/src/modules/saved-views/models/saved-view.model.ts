import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class SavedView {
  @Field(() => Int) id!: number;
  @Field() name!: string;
  @Field({ description: 'Client route, e.g. /incentives' }) page!: string;
  @Field({ description: 'The RefundFilter as JSON' }) filter!: string;
  @Field() owner!: string;
  @Field() createdAt!: Date;
}
