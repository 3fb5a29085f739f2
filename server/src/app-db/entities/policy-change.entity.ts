import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Policy changes entered in the app; they add to (and by change_id override) the loaded policy_changes table. */
@Entity('policy_changes')
export class PolicyChangeEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 }) changeId!: string;
  @Column({ type: 'varchar', length: 40 }) effectiveAt!: string;
  @Column({ type: 'varchar', length: 300 }) title!: string;
  @Column({ type: 'varchar', length: 4000, nullable: true }) description!: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) scopeChannel!: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) scopeProductLine!: string | null;
  @CreateDateColumn() createdAt!: Date;
}
