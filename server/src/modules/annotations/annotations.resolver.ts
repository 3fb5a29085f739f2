import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { DateScalar } from '../../common/graphql/date.scalar';
import { Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.types';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { OwnedRecordsResolver, RECORD_WRITERS } from '../auth/owned-records.resolver';
import { AnnotationsService } from './annotations.service';
import { Annotation } from './models/annotation.model';

@Resolver()
export class AnnotationsResolver extends OwnedRecordsResolver(Annotation, AnnotationsService, { list: 'annotations', remove: 'deleteAnnotation' }) {
  @Roles(...RECORD_WRITERS)
  @Mutation(() => Annotation)
  addAnnotation(
    @Args('date', { type: () => DateScalar }) date: string,
    @Args('metric', { type: () => String, nullable: true }) metric: string | null,
    @Args('note') note: string,
    @CurrentPrincipal() who: Principal,
  ): Promise<Annotation> {
    return this.service.add(date, metric ?? null, note, who);
  }
}
