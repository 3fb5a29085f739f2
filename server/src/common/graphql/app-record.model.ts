import { Field, Int, ObjectType } from '@nestjs/graphql';

/** The fields every record of the app's own database carries (its id and when it was written); not a GraphQL type by itself. */
@ObjectType({ isAbstract: true })
export abstract class AppRecord {
  @Field(() => Int) id!: number;
  @Field() createdAt!: Date;
}
