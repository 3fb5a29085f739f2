import { Field, ObjectType } from '@nestjs/graphql';
import { AppRecord } from '../../../common/graphql/app-record.model';

@ObjectType({ description: 'A note on a date (and optionally a metric), drawn on every time chart' })
export class Annotation extends AppRecord {
  @Field() date!: string;
  @Field(() => String, { nullable: true }) metric!: string | null;
  @Field() note!: string;
  @Field() author!: string;
}
