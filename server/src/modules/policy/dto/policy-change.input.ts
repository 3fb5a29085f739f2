import { Field, InputType } from '@nestjs/graphql';

@InputType('PolicyChangeInput', { description: 'A policy change entered in the app; an existing changeId is replaced' })
export class PolicyChangeInput {
  @Field({ description: '1..100 characters' }) changeId!: string;
  @Field({ description: 'ISO 8601 date or timestamp; without an offset it is UTC' }) effectiveAt!: string;
  @Field({ description: '1..300 characters' }) title!: string;
  @Field(() => String, { nullable: true, description: 'At most 4000 characters' }) description?: string | null;
  @Field(() => String, { nullable: true, description: 'Null = every channel (lower-cased like loaded data)' }) scopeChannel?: string | null;
  @Field(() => String, { nullable: true, description: 'Null = every product line' }) scopeProductLine?: string | null;
}
