import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class LoadedFile {
  @Field() path!: string;
  @Field() table!: string;
  @Field() sha256!: string;
}

@ObjectType()
export class LoadTableSummary {
  @Field() table!: string;
  @Field(() => Float) read!: number;
  @Field(() => Float) loaded!: number;
  @Field(() => Float) replaced!: number;
  @Field(() => Float) unchanged!: number;
  @Field(() => Float) rejected!: number;
}

@ObjectType({ description: 'One load of data files (load history)' })
export class LoadRecord {
  @Field(() => Int) loadId!: number;
  @Field() startedAt!: Date;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
  @Field() outcome!: string;
  @Field(() => String, { nullable: true }) message!: string | null;
  @Field(() => [LoadedFile]) files!: LoadedFile[];
  @Field(() => [LoadTableSummary]) tables!: LoadTableSummary[];
  @Field(() => Float) rowsRead!: number;
  @Field(() => Float) rowsLoaded!: number;
  @Field(() => Float) rowsReplaced!: number;
  @Field(() => Float) rowsUnchanged!: number;
  @Field(() => Float) rowsRejected!: number;
  @Field(() => Float) durationMs!: number;
}

@ObjectType()
export class RejectedRow {
  @Field(() => Int) loadId!: number;
  @Field() table!: string;
  @Field() file!: string;
  @Field(() => Float) line!: number;
  @Field() column!: string;
  @Field(() => String, { nullable: true }) value!: string | null;
  @Field() reason!: string;
}
