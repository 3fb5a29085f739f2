import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { requestOf } from './auth.guard';
import { addressOf, type Principal } from './auth.types';

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const p = requestOf(ctx).principal;
  if (!p) throw new Error('CurrentPrincipal used on a route without the auth guard');
  return p;
});

/** The client's address, for the audit log. */
export const ClientAddress = createParamDecorator((_: unknown, ctx: ExecutionContext): string => addressOf(requestOf(ctx)));
