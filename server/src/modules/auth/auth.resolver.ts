import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { IdArg } from '../../common/graphql/args';
import { AppError } from '../../common/errors';
import { Roles } from './auth.guard';
import { AuthService } from './auth.service';
import type { Principal } from './auth.types';
import { ClientAddress, CurrentPrincipal } from './current-principal.decorator';
import { ApiTokenInfo, IssuedToken, Me } from './models/auth.model';

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Query(() => Me, { description: 'Who the token belongs to, and its role' })
  me(@CurrentPrincipal() p: Principal): Me {
    return { name: p.name, role: p.role };
  }

  @Roles('admin')
  @Query(() => [ApiTokenInfo])
  async apiTokens(): Promise<ApiTokenInfo[]> {
    const tokens = await this.auth.listTokens();
    return tokens.map((t) => ({ id: t.id, label: t.label, userName: t.user.name, role: t.user.role, createdAt: t.createdAt, revokedAt: t.revokedAt }));
  }

  @Roles('admin')
  @Mutation(() => IssuedToken, { description: 'Creates the user if new and issues a token for it' })
  issueApiToken(
    @Args('userName') userName: string,
    @Args('role') role: string,
    @Args('label', { defaultValue: '' }) label: string,
    @CurrentPrincipal() p: Principal,
    @ClientAddress() address: string,
  ): Promise<IssuedToken> {
    return this.auth.issueToken(userName, role, label, p, address);
  }

  @Roles('admin')
  @Mutation(() => Boolean)
  async revokeApiToken(@IdArg() id: number, @CurrentPrincipal() p: Principal, @ClientAddress() address: string): Promise<boolean> {
    if (!(await this.auth.revoke(id, p, address))) throw new AppError('BAD_USER_INPUT', `id: no active token ${id}`, 'id');
    return true;
  }
}
