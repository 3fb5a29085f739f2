import { Inject, type Type } from '@nestjs/common';
import { ROLES, type Role } from '@refunds/shared';
import { Mutation, Query, Resolver } from '@nestjs/graphql';
import { IdArg } from '../../common/graphql/args';
import { Roles } from './auth.guard';
import { CAN, type Principal } from './auth.types';
import { ClientAddress, CurrentPrincipal } from './current-principal.decorator';

/** Who may write (and delete their own) annotations and saved views: admin, executive and product. */
export const RECORD_WRITERS: Role[] = ROLES.filter(CAN.write);

export interface OwnedRecordsApi<T> {
  list(): Promise<T[]>;
  remove(id: number, who: Principal, address: string): Promise<boolean>;
}

/**
 * The list query and the delete mutation of a kind of owned record (Nest's resolver inheritance), with
 * its service injected as `this.service`:
 * `OwnedRecordsResolver(SavedView, SavedViewsService, { list: 'savedViews', remove: 'deleteSavedView' })`.
 */
export function OwnedRecordsResolver<T, S extends OwnedRecordsApi<T>>(record: Type<T>, service: Type<S>, names: { list: string; remove: string }) {
  @Resolver({ isAbstract: true })
  abstract class OwnedRecordsResolverHost {
    @Inject(service) readonly service!: S;

    @Query(() => [record], { name: names.list })
    list(): Promise<T[]> {
      return this.service.list();
    }

    @Roles(...RECORD_WRITERS)
    @Mutation(() => Boolean, { name: names.remove })
    remove(@IdArg() id: number, @CurrentPrincipal() who: Principal, @ClientAddress() address: string): Promise<boolean> {
      return this.service.remove(id, who, address);
    }
  }
  return OwnedRecordsResolverHost;
}
