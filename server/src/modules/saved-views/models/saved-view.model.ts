import { Field, ObjectType } from '@nestjs/graphql';
import { AppRecord } from '../../../common/graphql/app-record.model';

@ObjectType()
export class SavedView extends AppRecord {
  @Field() name!: string;
  @Field({ description: 'Client route, e.g. /incentives' }) page!: string;
  @Field({ description: 'The RefundFilter as JSON' }) filter!: string;
  @Field(() => String, { nullable: true, description: 'Page parameters besides the filter (e.g. the KPI shown, what-if weights) as JSON {name: [values]}' })
  params!: string | null;
  @Field() owner!: string;
}
