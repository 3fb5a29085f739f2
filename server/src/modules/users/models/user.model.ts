import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class User {
  @Field(() => Int) id!: number;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field() role!: string;
  @Field() disabled!: boolean;
  @Field({ description: 'Signs in with a password' }) hasPassword!: boolean;
  @Field({ description: 'Created by single sign-on' }) sso!: boolean;
  @Field() createdAt!: Date;
}
