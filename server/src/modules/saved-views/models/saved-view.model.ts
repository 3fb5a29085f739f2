import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class SavedView {
  @Field(() => Int) id!: number;
  @Field() name!: string;
  @Field({ description: 'Client route, e.g. /incentives' }) page!: string;
  @Field({ description: 'The RefundFilter as JSON' }) filter!: string;
  @Field(() => String, { nullable: true, description: 'Page parameters besides the filter (e.g. the KPI shown, what-if weights) as JSON {name: [values]}' })
  params!: string | null;
  @Field() owner!: string;
  @Field() createdAt!: Date;
}
