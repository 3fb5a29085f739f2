import { Column, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { ApiTokenEntity } from './api-token.entity';
import { UserEntity } from './user.entity';

export type SessionKind = 'password' | 'token' | 'admin-token' | 'oidc';

/**
 * A signed-in browser. The key is the SHA-256 of the cookie value, so a copy of the table signs
 * nobody in. Role and disabled state are read from the user (and token) on every request.
 */
@Entity('sessions')
export class SessionEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 }) idHash!: string;
  @Column({ type: 'varchar', length: 20 }) kind!: SessionKind;
  /** Null only for a session opened with the bootstrap admin token. */
  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', eager: true, nullable: true }) user!: UserEntity | null;
  @ManyToOne(() => ApiTokenEntity, { onDelete: 'CASCADE', eager: true, nullable: true }) token!: ApiTokenEntity | null;
  /** For an admin-token session: a hash of the bootstrap token, so changing REFUNDS_ADMIN_TOKEN ends it. */
  @Column({ type: 'varchar', length: 64, nullable: true }) adminFingerprint!: string | null;
  @Column({ type: 'varchar', length: 30 }) createdAt!: string;
  @Index() @Column({ type: 'varchar', length: 30 }) lastSeenAt!: string;
  @Column({ type: 'varchar', length: 64 }) address!: string;
}
