import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '@refunds/shared';

@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 200, unique: true }) name!: string;
  @Column({ type: 'varchar', length: 20 }) role!: Role;
  @CreateDateColumn() createdAt!: Date;
}
