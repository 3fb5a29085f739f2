import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError } from '../../common/errors';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { AuditService } from '../audit/audit.service';
import { crossSiteProblem, Public, sessionCookieOf } from './auth.guard';
import { AuthService, type SignInResult } from './auth.service';
import { addressOf } from './auth.types';
import { SESSION_COOKIE, SessionsService } from './sessions.service';
import { ThrottleService } from './throttle.service';

type SignInBody = { token: string } | { email: string; password: string };

function parseBody(body: unknown): SignInBody {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.token === 'string' && b.token.length > 0 && b.token.length <= 512) return { token: b.token.trim() };
  if (typeof b.email === 'string' && typeof b.password === 'string' && b.email.length <= 320 && b.password.length <= 1024)
    return { email: b.email.trim().toLowerCase(), password: b.password };
  throw new AppError('BAD_USER_INPUT', 'Send JSON {"token"} or {"email", "password"}');
}

/** Sets the session cookie: httpOnly, SameSite=Lax, Secure when the request came over https. */
export function setSessionCookie(req: Request, res: Response, sessionId: string): void {
  res.cookie(SESSION_COOKIE, sessionId, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
}

@Controller('api/session')
export class SessionController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly throttle: ThrottleService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** What the sign-in page offers besides e-mail/password and API tokens. */
  @Public()
  @Get('providers')
  providers(): { oidc: boolean } {
    return { oidc: this.config.oidc !== null };
  }

  @Public()
  @Post()
  @HttpCode(200)
  async signIn(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown): Promise<{ name: string; role: string }> {
    // A foreign page must not sign a browser in to an account of the attacker's choosing either.
    const problem = crossSiteProblem(req, false, this.config.corsOrigins);
    if (problem) throw new AppError('FORBIDDEN', problem);
    const input = parseBody(body);
    const address = addressOf(req);
    const account = 'email' in input ? input.email : undefined;
    const wait = await this.throttle.retryAfter(address, account);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      throw new AppError('RATE_LIMITED', `Too many failed sign-ins; try again in ${wait} s`);
    }
    const result: SignInResult | null =
      'token' in input ? await this.auth.signInWithToken(input.token, address) : await this.auth.signInWithPassword(input.email, input.password, address);
    if (!result) {
      await this.throttle.fail(address, account);
      await this.audit.record({ actor: account ?? '(API token)', action: 'sign-in-failed', detail: account ? 'e-mail and password' : 'API token', address });
      throw new AppError('UNAUTHENTICATED', account ? 'Wrong e-mail or password' : 'This token was not accepted');
    }
    if (account) await this.throttle.succeeded(account);
    const previous = sessionCookieOf(req);
    if (previous) await this.sessions.end(previous);
    setSessionCookie(req, res, result.sessionId);
    await this.audit.record({ actor: result.principal.name, action: 'sign-in', detail: account ? 'e-mail and password' : 'API token', address });
    return { name: result.principal.name, role: result.principal.role };
  }

  @Public()
  @Delete()
  @HttpCode(204)
  async signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const id = sessionCookieOf(req);
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
    if (!id) return;
    const who = await this.sessions.resolve(id, this.auth.adminFingerprint);
    await this.sessions.end(id);
    if (who) await this.audit.record({ actor: who.name, action: 'sign-out', detail: '', address: addressOf(req) });
  }
}
