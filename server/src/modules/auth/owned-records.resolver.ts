import type { Type } from '@nestjs/common';
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
 * The list query and the delete mutation of a kind of owned record (Nest's resolver inheritance):
 * `OwnedRecordsResolver(SavedView, { list: 'savedViews', remove: 'deleteSavedView' })`.
 */
export function OwnedRecordsResolver<T>(record: Type<T>, names: { list: string; remove: string }) {
  @Resolver({ isAbstract: true })
  abstract class OwnedRecordsResolverHost {
    abstract readonly service: OwnedRecordsApi<T>;

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
