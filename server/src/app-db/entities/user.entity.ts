import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '@refunds/shared';

@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 200, unique: true }) name!: string;
  @Column({ type: 'varchar', length: 20 }) role!: Role;
  /** Lower-cased; null for users that only hold API tokens. */
  @Column({ type: 'varchar', length: 320, nullable: true, unique: true }) email!: string | null;
  /** scrypt, self-describing (see passwords.ts); null: no password sign-in. */
  @Column({ type: 'varchar', length: 300, nullable: true }) passwordHash!: string | null;
  /** Issuer and subject of a single-sign-on user ("issuer#sub"). */
  @Column({ type: 'varchar', length: 600, nullable: true, unique: true }) oidcSubject!: string | null;
  @Column({ type: 'boolean', default: false }) disabled!: boolean;
  @CreateDateColumn() createdAt!: Date;
}
