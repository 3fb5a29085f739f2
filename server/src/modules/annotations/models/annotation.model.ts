import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A note on a date (and optionally a metric), drawn on every time chart' })
export class Annotation {
  @Field(() => Int) id!: number;
  @Field() date!: string;
  @Field(() => String, { nullable: true }) metric!: string | null;
  @Field() note!: string;
  @Field() author!: string;
  @Field() createdAt!: Date;
}
