import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { Role } from '@refunds/shared';
import type { Request } from 'express';
import { AppError } from '../../common/errors';
import { AuthService } from './auth.service';
import { CAN, type Principal } from './auth.types';

export const ROLES_KEY = 'roles';
/** Restricts a resolver or route to these roles (default: every authenticated role). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export type AuthedRequest = Request & { principal?: Principal };

export function requestOf(ctx: ExecutionContext): AuthedRequest {
  if (ctx.getType<GqlContextType>() === 'graphql') return GqlExecutionContext.create(ctx).getContext<{ req: AuthedRequest }>().req;
  return ctx.switchToHttp().getRequest<AuthedRequest>();
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = requestOf(ctx);
    req.principal ??= await this.auth.authenticate(req.headers.authorization);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (roles && !roles.includes(req.principal.role)) {
      throw new AppError('FORBIDDEN', `The ${req.principal.role} role may not do this (needs ${roles.join(' or ')})`);
    }
    if (!CAN.seeAgentNames(req.principal.role) && ctx.getType<GqlContextType>() === 'graphql') {
      // One place for every query: narrowing to an agent id would reveal that agent's numbers.
      const args = GqlExecutionContext.create(ctx).getArgs<{ filter?: { agentIds?: unknown[] | null } | null }>();
      if (args.filter?.agentIds?.length)
        throw new AppError('FORBIDDEN', `filter.agentIds: the ${req.principal.role} role may not filter by agent`, 'filter.agentIds');
    }
    return true;
  }
}
