import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class Me {
  @Field() name!: string;
  @Field() role!: string;
}

@ObjectType()
export class ApiTokenInfo {
  @Field(() => Int) id!: number;
  @Field() label!: string;
  @Field() userName!: string;
  @Field() role!: string;
  @Field() createdAt!: Date;
  @Field(() => String, { nullable: true }) revokedAt!: string | null;
}

@ObjectType()
export class IssuedToken {
  @Field(() => Int) id!: number;
  @Field({ description: 'Shown once; only its hash is stored' }) token!: string;
}
