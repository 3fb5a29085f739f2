import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { IdArg } from '../../common/graphql/args';
import { DateScalar } from '../../common/graphql/date.scalar';
import { Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.types';
import { ClientAddress, CurrentPrincipal } from '../auth/current-principal.decorator';
import { AnnotationsService } from './annotations.service';
import { Annotation } from './models/annotation.model';

@Resolver()
export class AnnotationsResolver {
  constructor(private readonly service: AnnotationsService) {}

  @Query(() => [Annotation])
  annotations(): Promise<Annotation[]> {
    return this.service.list();
  }

  @Roles('admin', 'executive', 'product')
  @Mutation(() => Annotation)
  addAnnotation(
    @Args('date', { type: () => DateScalar }) date: string,
    @Args('metric', { type: () => String, nullable: true }) metric: string | null,
    @Args('note') note: string,
    @CurrentPrincipal() who: Principal,
  ): Promise<Annotation> {
    return this.service.add(date, metric ?? null, note, who);
  }

  @Roles('admin', 'executive', 'product')
  @Mutation(() => Boolean)
  deleteAnnotation(@IdArg() id: number, @CurrentPrincipal() who: Principal, @ClientAddress() address: string): Promise<boolean> {
    return this.service.remove(id, who, address);
  }
}
