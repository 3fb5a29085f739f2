import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ROLES, type Role } from '@refunds/shared';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { AppError, badInput } from '../../common/errors';
import { AuthRepository } from './auth.repository';
import type { Principal } from './auth.types';

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

@Injectable()
export class AuthService {
  private readonly adminHash: Buffer | null;

  constructor(
    private readonly repo: AuthRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.adminHash = config.adminToken ? Buffer.from(hashToken(config.adminToken), 'hex') : null;
  }

  /** Resolves a bearer header to a principal; comparison is on hashes, in constant time. */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const m = /^Bearer\s+(\S{1,512})$/i.exec(authorization ?? '');
    if (!m) throw new AppError('UNAUTHENTICATED', 'A valid API token is required (Authorization: Bearer TOKEN)');
    const hash = hashToken(m[1]);
    if (this.adminHash && timingSafeEqual(this.adminHash, Buffer.from(hash, 'hex'))) {
      return { userId: null, name: 'admin', role: 'admin', tokenId: null };
    }
    const token = await this.repo.findActiveToken(hash);
    if (!token) throw new AppError('UNAUTHENTICATED', 'The API token is unknown or revoked');
    return { userId: token.user.id, name: token.user.name, role: token.user.role, tokenId: token.id };
  }

  /** Issues a token for a user (created if new); the plain token is returned once, only its hash is stored. */
  async issueToken(userName: string, role: string, label: string): Promise<{ token: string; id: number }> {
    if (!(ROLES as readonly string[]).includes(role)) throw badInput('role', `must be one of ${ROLES.join(', ')}`);
    if (!/^[\w .@-]{1,100}$/.test(userName)) throw badInput('userName', 'letters, digits, space, . @ - _ only, at most 100');
    if (label.length > 200) throw badInput('label', 'at most 200 characters');
    const user = await this.repo.upsertUser(userName, role as Role);
    const token = `rfd_${randomBytes(32).toString('base64url')}`;
    const saved = await this.repo.createToken(user, label, hashToken(token));
    return { token, id: saved.id };
  }

  listTokens() {
    return this.repo.listTokens();
  }

  revoke(id: number): Promise<boolean> {
    return this.repo.revoke(id);
  }
}
