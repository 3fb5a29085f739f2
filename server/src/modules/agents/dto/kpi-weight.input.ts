import { Field, Float, InputType } from '@nestjs/graphql';
import type { Direction } from '@refunds/shared';
import { DirectionEnum } from '../direction.enum';

@InputType('KpiWeightInput', { description: 'One KPI of a what-if incentive plan' })
export class KpiWeightInput {
  @Field({ description: 'One of the agent KPI names of metrics.md' }) kpi!: string;
  @Field(() => Float, { description: 'Finite and > 0' }) weight!: number;
  @Field(() => DirectionEnum) direction!: Direction;
}
