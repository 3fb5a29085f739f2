import { Field, ObjectType } from '@nestjs/graphql';
import { AppRecord } from '../../../common/graphql/app-record.model';

@ObjectType()
export class User extends AppRecord {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field() role!: string;
  @Field() disabled!: boolean;
  @Field({ description: 'Signs in with a password' }) hasPassword!: boolean;
  @Field({ description: 'Created by single sign-on' }) sso!: boolean;
}
