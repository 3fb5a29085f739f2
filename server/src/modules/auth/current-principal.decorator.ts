import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { requestOf } from './auth.guard';
import type { Principal } from './auth.types';

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const p = requestOf(ctx).principal;
  if (!p) throw new Error('CurrentPrincipal used on a route without the auth guard');
  return p;
});
