import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { Role } from '@refunds/shared';
import { parse as parseCookies } from 'cookie';
import type { Request } from 'express';
import { AppError } from '../../common/errors';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { AuthService, BEARER } from './auth.service';
import { addressOf, CAN, type Principal } from './auth.types';
import { SESSION_COOKIE, SessionsService } from './sessions.service';
import { ThrottleService } from './throttle.service';

export const ROLES_KEY = 'roles';
/** Restricts a resolver or route to these roles (default: every authenticated role). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const PUBLIC_KEY = 'public';
/** A route that answers without credentials (health checks, sign-in); it may still read a session itself. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const PUBLIC_WHEN_KEY = 'publicWhen';
/** Public when the configuration says so (e.g. REFUNDS_METRICS_PUBLIC=1); otherwise the usual checks apply. */
export const PublicWhen = (when: (config: AppConfig) => boolean) => SetMetadata(PUBLIC_WHEN_KEY, when);

export type AuthedRequest = Request & { principal?: Principal };

export function requestOf(ctx: ExecutionContext): AuthedRequest {
  if (ctx.getType<GqlContextType>() === 'graphql') return GqlExecutionContext.create(ctx).getContext<{ req: AuthedRequest }>().req;
  return ctx.switchToHttp().getRequest<AuthedRequest>();
}

export function sessionCookieOf(req: Request): string | undefined {
  const header = req.headers.cookie;
  return header ? parseCookies(header)[SESSION_COOKIE] : undefined;
}

/** `X-Requested-With` value of the dashboard's own non-JSON requests (uploads). */
export const UPLOAD_CLIENT_HEADER = 'refunds-dashboard';

const JSON_TYPE = /^application\/(?:graphql-response\+)?json\s*(?:;|$)/i;

/**
 * A browser attaches the session cookie to requests that other sites start, so with the cookie only
 * requests a page cannot send cross-site without a CORS preflight are accepted: JSON bodies (GraphQL
 * only as POST), and no foreign Origin. Bearer tokens are not sent by browsers on their own.
 */
export function crossSiteProblem(req: Request, graphql: boolean, corsOrigins: readonly string[]): string | null {
  const safe = req.method === 'GET' || req.method === 'HEAD';
  // File uploads are multipart, which a cross-site form can send; a custom header it cannot (not
  // without a CORS preflight, which is closed), so the upload client sends one instead of JSON.
  const customHeader = !graphql && req.headers['x-requested-with'] === UPLOAD_CLIENT_HEADER;
  if ((graphql && req.method !== 'POST') || (!safe && !customHeader && !JSON_TYPE.test(req.headers['content-type'] ?? ''))) {
    return 'With the session cookie only JSON POST requests are accepted';
  }
  const origin = req.headers.origin;
  if (!safe && origin && origin !== `${req.protocol}://${req.headers.host ?? ''}` && !corsOrigins.includes(origin)) {
    return 'Cross-site request refused';
  }
  if (!safe && req.headers['sec-fetch-site'] === 'cross-site') return 'Cross-site request refused';
  return null;
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly throttle: ThrottleService,
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, [ctx.getHandler(), ctx.getClass()])) return true;
    const when = this.reflector.get<((c: AppConfig) => boolean) | undefined>(PUBLIC_WHEN_KEY, ctx.getHandler());
    if (when?.(this.config)) return true;
    const req = requestOf(ctx);
    req.principal ??= await this.authenticate(req, ctx.getType<GqlContextType>() === 'graphql');
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

  /** The bearer token if the request has an Authorization header, else the session cookie. */
  async authenticate(req: Request, graphql: boolean): Promise<Principal> {
    const address = addressOf(req);
    if (req.headers.authorization !== undefined) {
      const m = BEARER.exec(req.headers.authorization);
      const p = m ? await this.auth.resolveToken(m[1]) : null;
      if (!p) {
        // Guessing tokens costs the address, whatever token it tries (the rate limiter turns it away once over).
        await this.throttle.fail(address);
        throw new AppError('UNAUTHENTICATED', m ? 'The API token is unknown or revoked' : 'A valid API token is required (Authorization: Bearer TOKEN)');
      }
      return p;
    }
    const cookie = sessionCookieOf(req);
    if (cookie) {
      const problem = crossSiteProblem(req, graphql, this.config.corsOrigins);
      if (problem) throw new AppError('FORBIDDEN', problem);
      const p = await this.sessions.resolve(cookie, this.auth.adminFingerprint);
      if (p) return p;
      throw new AppError('UNAUTHENTICATED', 'The session has ended; sign in again');
    }
    throw new AppError('UNAUTHENTICATED', 'Sign in, or send an API token (Authorization: Bearer TOKEN)');
  }
}
