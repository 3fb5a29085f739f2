import { Injectable } from '@nestjs/common';
import { ROLES, type Role } from '@refunds/shared';
import type { UserEntity } from '../../app-db/entities';
import { badInput } from '../../common/errors';
import { AuditService } from '../audit/audit.service';
import { AuthRepository } from '../auth/auth.repository';
import type { Principal } from '../auth/auth.types';
import { checkPasswordPolicy, hashPassword } from '../auth/passwords';
import { SessionsService } from '../auth/sessions.service';
import type { User } from './models/user.model';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{1,63}$/;

export function toUser(u: UserEntity): User {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    role: u.role,
    disabled: u.disabled,
    hasPassword: u.passwordHash !== null,
    sso: u.oidcSubject !== null,
    createdAt: u.createdAt,
  };
}

function checkRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw badInput('role', `must be one of ${ROLES.join(', ')}`);
  return role as Role;
}

/** Local accounts, managed by admins (the resolver restricts every operation to them). */
@Injectable()
export class UsersService {
  constructor(
    private readonly repo: AuthRepository,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<User[]> {
    return (await this.repo.listUsers()).map(toUser);
  }

  async create(email: string, name: string, role: string, password: string, by: Principal, address: string): Promise<User> {
    const e = email.trim().toLowerCase();
    if (!EMAIL.test(e)) throw badInput('email', 'is not an e-mail address');
    const n = name.trim();
    if (!/^[\p{L}\p{N} .@'_-]{1,100}$/u.test(n)) throw badInput('name', "letters, digits, space and . @ ' - _ only, at most 100");
    const r = checkRole(role);
    checkPasswordPolicy(password);
    if (await this.repo.findUserByEmail(e)) throw badInput('email', 'a user with this e-mail exists');
    if (await this.repo.findUserByName(n)) throw badInput('name', 'a user with this name exists');
    const saved = await this.repo.saveUser({ name: n, email: e, role: r, passwordHash: await hashPassword(password), disabled: false, oidcSubject: null });
    await this.audit.record({ actor: by.name, action: 'user-created', detail: `${n} <${e}> as ${r}`, address });
    return toUser(saved);
  }

  /** Changing the role takes effect on the user's next request; disabling ends their sessions at once. */
  async update(id: number, role: string | null, disabled: boolean | null, by: Principal, address: string): Promise<User> {
    const user = await this.repo.findUserById(id);
    if (!user) throw badInput('id', `no user ${id}`);
    if (by.userId === id && (disabled === true || (role !== null && role !== 'admin'))) throw badInput('id', 'admins cannot disable or demote themselves');
    const changes: string[] = [];
    if (role !== null && role !== user.role) {
      changes.push(`role ${user.role} -> ${role}`);
      user.role = checkRole(role);
    }
    if (disabled !== null && disabled !== user.disabled) {
      changes.push(disabled ? 'disabled' : 'enabled');
      user.disabled = disabled;
    }
    if (changes.length === 0) return toUser(user);
    const saved = await this.repo.saveUser(user);
    const ended = saved.disabled ? await this.sessions.endForUser(id) : 0;
    await this.audit.record({
      actor: by.name,
      action: 'user-changed',
      detail: `${user.name}: ${changes.join(', ')}${ended ? `; ${ended} session(s) ended` : ''}`,
      address,
    });
    return toUser(saved);
  }

  /** Sets a new password and ends the user's sessions (whoever held the old one is signed out). */
  async resetPassword(id: number, password: string, by: Principal, address: string): Promise<boolean> {
    const user = await this.repo.findUserById(id);
    if (!user) throw badInput('id', `no user ${id}`);
    checkPasswordPolicy(password);
    user.passwordHash = await hashPassword(password);
    await this.repo.saveUser(user);
    const ended = await this.sessions.endForUser(id);
    await this.audit.record({ actor: by.name, action: 'password-reset', detail: `${user.name}; ${ended} session(s) ended`, address });
    return true;
  }
}
