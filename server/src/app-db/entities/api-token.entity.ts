import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from './user.entity';

/** Only the SHA-256 of a token is stored: tokens are 256-bit random, so a slow hash adds nothing. */
@Entity('api_tokens')
export class ApiTokenEntity {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 200 }) label!: string;
  @Index({ unique: true }) @Column({ type: 'varchar', length: 64 }) tokenHash!: string;
  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', eager: true }) user!: UserEntity;
  @CreateDateColumn() createdAt!: Date;
  @Column({ type: 'varchar', length: 40, nullable: true }) revokedAt!: string | null;
}
