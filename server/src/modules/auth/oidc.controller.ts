import { Controller, Get, Logger, NotFoundException, Req, Res } from '@nestjs/common';
import { parse as parseCookies } from 'cookie';
import type { Request, Response } from 'express';
import { AuditService } from '../audit/audit.service';
import { Public, sessionCookieOf } from './auth.guard';
import { AuthService } from './auth.service';
import { addressOf } from './auth.types';
import { OidcService } from './oidc.service';
import { setSessionCookie } from './session.controller';
import { SessionsService } from './sessions.service';

const FLOW_COOKIE = 'refunds_oidc';
const FLOW_PATH = '/api/session/oidc';

/** Single sign-on: /api/session/oidc sends the browser to the IdP, /callback brings it back signed in. */
@Controller('api/session/oidc')
export class OidcController {
  private readonly logger = new Logger('OIDC');

  constructor(
    private readonly oidc: OidcService,
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  private origin(req: Request): string {
    return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  }

  @Public()
  @Get()
  async start(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.oidc.enabled) throw new NotFoundException();
    try {
      const { flowId, url } = await this.oidc.start(this.oidc.redirectUri(this.origin(req)));
      // Lax: the IdP brings the browser back with a top-level GET, which carries Lax cookies.
      res.cookie(FLOW_COOKIE, flowId, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: FLOW_PATH, maxAge: 10 * 60_000 });
      res.redirect(302, url);
    } catch (e) {
      this.logger.warn(`sign-in could not start: ${(e as Error).message}`);
      res.redirect(302, '/?signin_error=unavailable');
    }
  }

  @Public()
  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.oidc.enabled) throw new NotFoundException();
    const address = addressOf(req);
    const flowId = req.headers.cookie ? parseCookies(req.headers.cookie)[FLOW_COOKIE] : undefined;
    res.clearCookie(FLOW_COOKIE, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: FLOW_PATH });
    const callbackUrl = new URL(req.originalUrl, this.oidc.redirectUri(this.origin(req)));
    try {
      const outcome = await this.oidc.finish(flowId, callbackUrl);
      switch (outcome.kind) {
        case 'no-access':
        case 'disabled': {
          const why =
            outcome.kind === 'disabled'
              ? 'single sign-on: user disabled'
              : `single sign-on: no group with access (${outcome.groups.join(', ').slice(0, 300) || 'no groups'})`;
          await this.audit.record({ actor: outcome.who, action: 'sign-in-failed', detail: why, address });
          res.redirect(302, '/?signin_error=no-access');
          return;
        }
        case 'signed-in': {
          const previous = sessionCookieOf(req);
          if (previous) await this.sessions.end(previous);
          const { sessionId } = await this.auth.openUserSession(outcome.user, 'oidc', address);
          setSessionCookie(req, res, sessionId);
          await this.audit.record({ actor: outcome.user.name, action: 'sign-in', detail: `single sign-on as ${outcome.user.role}`, address });
          res.redirect(302, '/');
          return;
        }
      }
    } catch (e) {
      this.logger.warn(`sign-in failed: ${(e as Error).message}`);
      await this.audit.recordOrLog({
        actor: '(single sign-on)',
        action: 'sign-in-failed',
        detail: `single sign-on: ${(e as Error).message.slice(0, 200)}`,
        address,
      });
      res.redirect(302, '/?signin_error=failed');
    }
  }
}
