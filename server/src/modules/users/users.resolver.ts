import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { IdArg } from '../../common/graphql/args';
import { Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.types';
import { ClientAddress, CurrentPrincipal } from '../auth/current-principal.decorator';
import { User } from './models/user.model';
import { UsersService } from './users.service';

@Roles('admin')
@Resolver(() => User)
export class UsersResolver {
  constructor(private readonly service: UsersService) {}

  @Query(() => [User], { description: 'Every user (admin only)' })
  users(): Promise<User[]> {
    return this.service.list();
  }

  @Mutation(() => User, { description: 'A local account that signs in with e-mail and password (admin only)' })
  createUser(
    @Args('email') email: string,
    @Args('name') name: string,
    @Args('role') role: string,
    @Args('password') password: string,
    @CurrentPrincipal() p: Principal,
    @ClientAddress() address: string,
  ): Promise<User> {
    return this.service.create(email, name, role, password, p, address);
  }

  @Mutation(() => User, { description: 'Changes role and/or disabled state; disabling ends the sessions (admin only)' })
  updateUser(
    @IdArg() id: number,
    @Args('role', { type: () => String, nullable: true }) role: string | null,
    @Args('disabled', { type: () => Boolean, nullable: true }) disabled: boolean | null,
    @CurrentPrincipal() p: Principal,
    @ClientAddress() address: string,
  ): Promise<User> {
    return this.service.update(id, role ?? null, disabled ?? null, p, address);
  }

  @Mutation(() => Boolean, { description: "Sets a user's password and ends their sessions (admin only)" })
  resetPassword(@IdArg() id: number, @Args('password') password: string, @CurrentPrincipal() p: Principal, @ClientAddress() address: string): Promise<boolean> {
    return this.service.resetPassword(id, password, p, address);
  }
}
