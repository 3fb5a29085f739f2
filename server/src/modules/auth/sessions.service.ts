import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import type { ApiTokenEntity, SessionEntity, UserEntity } from '../../app-db/entities';
import type { SessionKind } from '../../app-db/entities/session.entity';
import type { Principal } from './auth.types';
import { SessionsRepository } from './sessions.repository';

export const SESSION_COOKIE = 'refunds_session';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** Server-side sessions: the cookie carries 256 random bits, the store keeps their SHA-256. */
@Injectable()
export class SessionsService {
  private readonly idleMs: number;
  /** lastSeenAt is written at most this often per session, not on every request. */
  private readonly touchMs: number;

  constructor(
    private readonly repo: SessionsRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.idleMs = config.sessionIdleMinutes * 60_000;
    this.touchMs = Math.min(60_000, this.idleMs / 10);
  }

  /** A new session id every time: an id planted before sign-in (fixation) never becomes a signed-in one. */
  async create(
    kind: SessionKind,
    who: { user: UserEntity | null; token: ApiTokenEntity | null; adminFingerprint: string | null },
    address: string,
  ): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const now = new Date().toISOString();
    await this.repo.insert({ idHash: sha256(id), kind, ...who, createdAt: now, lastSeenAt: now, address });
    // Sign-ins are rare next to requests: a good moment to drop sessions that idled out.
    await this.repo.deleteIdleBefore(new Date(Date.now() - this.idleMs).toISOString());
    return id;
  }

  /**
   * The principal of a live session, or null (unknown, idle too long, user disabled, token revoked,
   * bootstrap token changed). Role and name come from the user as it is now.
   */
  async resolve(id: string, adminFingerprint: string | null): Promise<Principal | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const idHash = sha256(id);
    const s = await this.repo.find(idHash);
    if (!s) return null;
    const idle = Date.now() - Date.parse(s.lastSeenAt);
    if (idle > this.idleMs || !this.stillValid(s, adminFingerprint)) {
      await this.repo.delete(idHash);
      return null;
    }
    if (idle > this.touchMs) await this.repo.touch(idHash, new Date().toISOString());
    if (s.kind === 'admin-token') return { userId: null, name: 'admin', role: 'admin', tokenId: null, via: 'session' };
    const user = s.user as UserEntity;
    return { userId: user.id, name: user.name, role: user.role, tokenId: s.token?.id ?? null, via: 'session' };
  }

  private stillValid(s: SessionEntity, adminFingerprint: string | null): boolean {
    switch (s.kind) {
      case 'admin-token':
        return adminFingerprint !== null && s.adminFingerprint === adminFingerprint;
      case 'token':
        return !!s.user && !s.user.disabled && !!s.token && s.token.revokedAt === null;
      case 'password':
      case 'oidc':
        return !!s.user && !s.user.disabled;
    }
  }

  end(id: string): Promise<boolean> {
    return this.repo.delete(sha256(id));
  }

  endForUser(userId: number): Promise<number> {
    return this.repo.deleteForUser(userId);
  }

  endForToken(tokenId: number): Promise<number> {
    return this.repo.deleteForToken(tokenId);
  }
}
