import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { IdArg } from '../../common/graphql/args';
import { Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.types';
import { ClientAddress, CurrentPrincipal } from '../auth/current-principal.decorator';
import { SavedView } from './models/saved-view.model';
import { SavedViewsService } from './saved-views.service';

@Resolver()
export class SavedViewsResolver {
  constructor(private readonly service: SavedViewsService) {}

  @Query(() => [SavedView])
  savedViews(): Promise<SavedView[]> {
    return this.service.list();
  }

  @Roles('admin', 'executive', 'product')
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

  @Roles('admin', 'executive', 'product')
  @Mutation(() => Boolean)
  deleteSavedView(@IdArg() id: number, @CurrentPrincipal() who: Principal, @ClientAddress() address: string): Promise<boolean> {
    return this.service.remove(id, who, address);
  }
}
