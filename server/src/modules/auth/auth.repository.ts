import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import type { Role } from '@refunds/shared';
import { ApiTokenEntity, UserEntity } from '../../app-db/entities';

@Injectable()
export class AuthRepository {
  constructor(
    @InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
  ) {}

  findActiveToken(tokenHash: string): Promise<ApiTokenEntity | null> {
    return this.tokens.findOne({ where: { tokenHash, revokedAt: IsNull() } });
  }

  async upsertUser(name: string, role: Role): Promise<UserEntity> {
    const existing = await this.users.findOne({ where: { name } });
    if (existing) {
      if (existing.role !== role) {
        existing.role = role;
        return this.users.save(existing);
      }
      return existing;
    }
    return this.users.save(this.users.create({ name, role }));
  }

  createToken(user: UserEntity, label: string, tokenHash: string): Promise<ApiTokenEntity> {
    return this.tokens.save(this.tokens.create({ user, label, tokenHash, revokedAt: null }));
  }

  listTokens(): Promise<ApiTokenEntity[]> {
    return this.tokens.find({ order: { id: 'ASC' } });
  }

  findToken(id: number): Promise<ApiTokenEntity | null> {
    return this.tokens.findOne({ where: { id } });
  }

  async revoke(id: number): Promise<boolean> {
    const r = await this.tokens.update({ id, revokedAt: IsNull() }, { revokedAt: new Date().toISOString() });
    return (r.affected ?? 0) > 0;
  }

  findUserByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { email } });
  }

  findUserByName(name: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { name } });
  }

  findUserById(id: number): Promise<UserEntity | null> {
    return this.users.findOne({ where: { id } });
  }

  findUserByOidcSubject(subject: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { oidcSubject: subject } });
  }

  saveUser(user: Partial<UserEntity>): Promise<UserEntity> {
    return this.users.save(this.users.create(user));
  }

  listUsers(): Promise<UserEntity[]> {
    return this.users.find({ order: { id: 'ASC' } });
  }
}
