import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.types';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { OwnedRecordsResolver, RECORD_WRITERS } from '../auth/owned-records.resolver';
import { SavedView } from './models/saved-view.model';
import { SavedViewsService } from './saved-views.service';

@Resolver()
export class SavedViewsResolver extends OwnedRecordsResolver(SavedView, SavedViewsService, { list: 'savedViews', remove: 'deleteSavedView' }) {
  @Roles(...RECORD_WRITERS)
  @Mutation(() => SavedView)
  saveView(
    @Args('name') name: string,
    @Args('page') page: string,
    @Args('filter') filter: string,
    @Args('params', { type: () => String, nullable: true }) params: string | null,
    @CurrentPrincipal() who: Principal,
  ): Promise<SavedView> {
    return this.service.add(name, page, filter, params, who);
  }
}
