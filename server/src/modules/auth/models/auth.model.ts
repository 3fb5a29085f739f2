import { Field, Int, ObjectType } from '@nestjs/graphql';
import { AppRecord } from '../../../common/graphql/app-record.model';

@ObjectType()
export class Me {
  @Field() name!: string;
  @Field() role!: string;
}

@ObjectType()
export class ApiTokenInfo extends AppRecord {
  @Field() label!: string;
  @Field() userName!: string;
  @Field() role!: string;
  @Field(() => String, { nullable: true }) revokedAt!: string | null;
}

@ObjectType()
export class IssuedToken {
  @Field(() => Int) id!: number;
  @Field({ description: 'Shown once; only its hash is stored' }) token!: string;
}
