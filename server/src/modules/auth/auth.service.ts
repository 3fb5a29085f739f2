import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ROLES, type Role } from '@refunds/shared';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { AppError, badInput } from '../../common/errors';
import type { UserEntity } from '../../app-db/entities';
import { AuditService } from '../audit/audit.service';
import { AuthRepository } from './auth.repository';
import type { Principal } from './auth.types';
import { DUMMY_HASH, verifyPassword } from './passwords';
import { SessionsService } from './sessions.service';

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export const BEARER = /^Bearer\s+(\S{1,512})$/i;

export interface SignInResult {
  sessionId: string;
  principal: Principal;
}

@Injectable()
export class AuthService {
  private readonly adminHash: Buffer | null;
  /** Identifies the bootstrap token in admin-token sessions without storing anything that opens them. */
  readonly adminFingerprint: string | null;
  /**
   * Hashes of tokens that authenticated since start (and are not revoked since): the rate limiter
   * gives those a window of their own; any other bearer value counts against its address.
   */
  private readonly knownGood = new Set<string>();

  constructor(
    private readonly repo: AuthRepository,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const hash = config.adminToken ? hashToken(config.adminToken) : null;
    this.adminHash = hash ? Buffer.from(hash, 'hex') : null;
    this.adminFingerprint = hash ? hashToken(`session:${hash}`) : null;
    if (hash) this.knownGood.add(hash);
  }

  isKnownTokenHash(hash: string): boolean {
    return this.knownGood.has(hash);
  }

  /** Resolves a bearer token to a principal (null when unknown or revoked); comparison is on hashes, in constant time. */
  async resolveToken(token: string): Promise<Principal | null> {
    const hash = hashToken(token);
    if (this.adminHash && timingSafeEqual(this.adminHash, Buffer.from(hash, 'hex'))) {
      return { userId: null, name: 'admin', role: 'admin', tokenId: null, via: 'bearer' };
    }
    const t = await this.repo.findActiveToken(hash);
    if (!t || t.user.disabled) {
      this.knownGood.delete(hash);
      return null;
    }
    if (this.knownGood.size < 100_000) this.knownGood.add(hash);
    return { userId: t.user.id, name: t.user.name, role: t.user.role, tokenId: t.id, via: 'bearer' };
  }

  /** Header form of resolveToken, for callers that only have the header. */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const m = BEARER.exec(authorization ?? '');
    if (!m) throw new AppError('UNAUTHENTICATED', 'A valid API token is required (Authorization: Bearer TOKEN)');
    const p = await this.resolveToken(m[1]);
    if (!p) throw new AppError('UNAUTHENTICATED', 'The API token is unknown or revoked');
    return p;
  }

  /** Opens a session for an API token; null for a wrong token. */
  async signInWithToken(token: string, address: string): Promise<SignInResult | null> {
    const p = await this.resolveToken(token);
    if (!p) return null;
    const hash = hashToken(token);
    const isAdmin = p.tokenId === null;
    const t = isAdmin ? null : await this.repo.findActiveToken(hash);
    const sessionId = await this.sessions.create(
      isAdmin ? 'admin-token' : 'token',
      { user: t?.user ?? null, token: t, adminFingerprint: isAdmin ? this.adminFingerprint : null },
      address,
    );
    return { sessionId, principal: { ...p, via: 'session' } };
  }

  /**
   * A session with the rights its owner has now (for the server's own headless browser rendering a
   * scheduled pack); null when the owner can no longer sign in (user disabled, token revoked,
   * bootstrap token unset). The caller ends it when done.
   */
  async openSessionFor(owner: { userId: number | null; tokenId: number | null }, address: string): Promise<string | null> {
    if (owner.tokenId !== null) {
      const t = await this.repo.findToken(owner.tokenId);
      if (!t || t.revokedAt !== null || t.user.disabled) return null;
      return this.sessions.create('token', { user: t.user, token: t, adminFingerprint: null }, address);
    }
    if (owner.userId !== null) {
      const user = await this.repo.findUserById(owner.userId);
      if (!user || user.disabled) return null;
      // A user session like a password sign-in's: valid while the user is enabled, role read per request.
      return this.sessions.create('password', { user, token: null, adminFingerprint: null }, address);
    }
    if (!this.adminFingerprint) return null;
    return this.sessions.create('admin-token', { user: null, token: null, adminFingerprint: this.adminFingerprint }, address);
  }

  /** Opens a session for e-mail and password; null when either is wrong or the account is disabled. */
  async signInWithPassword(email: string, password: string, address: string): Promise<SignInResult | null> {
    const user = await this.repo.findUserByEmail(email.trim().toLowerCase());
    // Verify against a dummy hash when there is no such account, so timing does not tell which e-mails exist.
    const good = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !good || !user.passwordHash || user.disabled) return null;
    return this.openUserSession(user, 'password', address);
  }

  async openUserSession(user: UserEntity, kind: 'password' | 'oidc', address: string): Promise<SignInResult> {
    const sessionId = await this.sessions.create(kind, { user, token: null, adminFingerprint: null }, address);
    return { sessionId, principal: { userId: user.id, name: user.name, role: user.role, tokenId: null, via: 'session' } };
  }

  /** Issues a token for a user (created if new); the plain token is returned once, only its hash is stored. */
  async issueToken(userName: string, role: string, label: string, by: Principal, address: string): Promise<{ token: string; id: number }> {
    if (!(ROLES as readonly string[]).includes(role)) throw badInput('role', `must be one of ${ROLES.join(', ')}`);
    if (!/^[\w .@-]{1,100}$/.test(userName)) throw badInput('userName', 'letters, digits, space, . @ - _ only, at most 100');
    if (label.length > 200) throw badInput('label', 'at most 200 characters');
    const user = await this.repo.upsertUser(userName, role as Role);
    const token = `rfd_${randomBytes(32).toString('base64url')}`;
    const saved = await this.repo.createToken(user, label, hashToken(token));
    await this.audit.record({
      actor: by.name,
      action: 'token-issued',
      detail: `token ${saved.id} for ${userName} (${role})${label ? `, label "${label}"` : ''}`,
      address,
    });
    return { token, id: saved.id };
  }

  listTokens() {
    return this.repo.listTokens();
  }

  /** Revokes a token and ends every session opened with it. */
  async revoke(id: number, by: Principal, address: string): Promise<boolean> {
    const t = await this.repo.findToken(id);
    if (!t || !(await this.repo.revoke(id))) return false;
    this.knownGood.delete(t.tokenHash);
    const ended = await this.sessions.endForToken(id);
    await this.audit.record({ actor: by.name, action: 'token-revoked', detail: `token ${id} of ${t.user.name}; ${ended} session(s) ended`, address });
    return true;
  }
}
