import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ROLES } from '@refunds/shared';
import * as oidc from 'openid-client';
import type { UserEntity } from '../../app-db/entities';
import { APP_CONFIG, type AppConfig, type OidcConfig } from '../../config/config';
import { AuthRepository } from './auth.repository';
import { groupsOf, roleForGroups } from './oidc-roles';

/** One sign-in in progress: what the callback must check (PKCE verifier, state, nonce). */
interface Flow {
  verifier: string;
  state: string;
  nonce: string;
  redirectUri: string;
  expires: number;
}

const FLOW_TTL_MS = 10 * 60_000;
const MAX_FLOWS = 10_000;

export type OidcOutcome =
  { kind: 'signed-in'; user: UserEntity; groups: string[] } | { kind: 'no-access'; who: string; groups: string[] } | { kind: 'disabled'; who: string };

/**
 * OpenID Connect sign-in (authorization code with PKCE) through openid-client. The IdP's groups
 * (REFUNDS_OIDC_ROLE_CLAIM) decide the role at every sign-in; the first sign-in creates the user.
 */
@Injectable()
export class OidcService {
  private readonly logger = new Logger('OIDC');
  private readonly cfg: OidcConfig | null;
  private discovered: Promise<oidc.Configuration> | null = null;
  private readonly flows = new Map<string, Flow>();

  constructor(
    private readonly repo: AuthRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cfg = config.oidc;
    if (this.cfg) for (const r of Object.values(this.cfg.groupRoles)) if (!(ROLES as readonly string[]).includes(r)) throw new Error(`bad role ${r}`);
  }

  get enabled(): boolean {
    return this.cfg !== null;
  }

  private config(): Promise<oidc.Configuration> {
    const cfg = this.cfg;
    if (!cfg) throw new Error('single sign-on is not configured');
    // Discovery is retried on the next sign-in if the IdP was down.
    this.discovered ??= oidc
      .discovery(new URL(cfg.issuer), cfg.clientId, cfg.clientSecret ?? undefined, cfg.clientSecret ? undefined : oidc.None(), {
        // A plain-http issuer (a provider on the same host or in tests) needs this; https needs nothing.
        execute: new URL(cfg.issuer).protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
        timeout: 10,
      })
      .catch((e: unknown) => {
        this.discovered = null;
        throw e;
      });
    return this.discovered;
  }

  redirectUri(requestOrigin: string): string {
    return `${this.cfg?.publicUrl ?? requestOrigin}/api/session/oidc/callback`;
  }

  /** Starts a sign-in: the flow id for the browser's cookie and the IdP URL to send it to. */
  async start(redirectUri: string): Promise<{ flowId: string; url: string }> {
    const config = await this.config();
    const verifier = oidc.randomPKCECodeVerifier();
    const flow: Flow = { verifier, state: oidc.randomState(), nonce: oidc.randomNonce(), redirectUri, expires: Date.now() + FLOW_TTL_MS };
    const now = Date.now();
    if (this.flows.size >= MAX_FLOWS) for (const [k, f] of this.flows) if (f.expires < now) this.flows.delete(k);
    if (this.flows.size >= MAX_FLOWS) throw new Error('too many sign-ins in progress');
    const flowId = randomBytes(24).toString('base64url');
    this.flows.set(flowId, flow);
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.cfg!.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    return { flowId, url: url.href };
  }

  /** Completes a sign-in from the callback URL; throws when the IdP's answer does not check out. */
  async finish(flowId: string | undefined, callbackUrl: URL): Promise<OidcOutcome> {
    const flow = flowId ? this.flows.get(flowId) : undefined;
    if (flowId) this.flows.delete(flowId);
    if (!flow || flow.expires < Date.now()) throw new Error('no sign-in in progress in this browser (or it took over 10 minutes)');
    const config = await this.config();
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new Error('the provider sent no ID token');
    const cfg = this.cfg!;
    let info: Record<string, unknown> = { ...claims };
    if (claims[cfg.roleClaim] === undefined || !claims.email) {
      info = { ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)), ...info };
    }
    const groups = groupsOf(info[cfg.roleClaim]);
    const email = typeof info.email === 'string' ? info.email.trim().toLowerCase().slice(0, 320) : null;
    const displayName = (typeof info.name === 'string' && info.name.trim()) || email || claims.sub;
    const subject = `${claims.iss}#${claims.sub}`.slice(0, 600);
    const role = roleForGroups(groups, cfg.groupRoles);
    let user = await this.repo.findUserByOidcSubject(subject);
    if (!role) return { kind: 'no-access', who: email ?? displayName, groups };
    if (user?.disabled) return { kind: 'disabled', who: user.name };
    if (!user) {
      user = await this.repo.saveUser({
        name: await this.freeName(displayName.slice(0, 100)),
        email: email && !(await this.repo.findUserByEmail(email)) ? email : null,
        role,
        oidcSubject: subject,
        passwordHash: null,
        disabled: false,
      });
      this.logger.log(`created user ${user.id} from single sign-on`);
    } else if (user.role !== role) {
      user.role = role;
      user = await this.repo.saveUser(user);
    }
    return { kind: 'signed-in', user, groups };
  }

  private async freeName(base: string): Promise<string> {
    for (let i = 1; i < 1000; i++) {
      const name = i === 1 ? base : `${base} (${i})`;
      if (!(await this.repo.findUserByName(name))) return name;
    }
    return `${base} ${randomBytes(4).toString('hex')}`;
  }
}
