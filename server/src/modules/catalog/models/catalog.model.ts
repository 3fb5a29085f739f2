import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class LocalizedText {
  @Field() en!: string;
  @Field() zhCN!: string;
}

@ObjectType({ description: 'A metric of the catalog: label, formula and caveat in both locales' })
export class MetricInfo {
  @Field() name!: string;
  @Field() unit!: string;
  @Field(() => String, { nullable: true }) better!: string | null;
  @Field(() => LocalizedText) label!: LocalizedText;
  @Field(() => LocalizedText) formula!: LocalizedText;
  @Field(() => LocalizedText, { nullable: true }) caveat!: LocalizedText | null;
}

@ObjectType()
export class AgentOption {
  @Field() agentId!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String, { nullable: true }) team!: string | null;
}

@ObjectType({ description: 'Values the filter bar offers, from the loaded data' })
export class FilterOptions {
  @Field(() => [String]) channels!: string[];
  @Field(() => [String]) productLines!: string[];
  @Field(() => [String]) reasonCodes!: string[];
  @Field(() => [String]) teams!: string[];
  @Field(() => [String]) campaigns!: string[];
  @Field(() => [AgentOption], { description: 'Empty for roles that may not see agents' }) agents!: AgentOption[];
  @Field(() => String, { nullable: true, description: 'First requested_at day' }) minDate!: string | null;
  @Field(() => String, { nullable: true, description: 'Last requested_at day' }) maxDate!: string | null;
  @Field() reportingCurrency!: string;
}
