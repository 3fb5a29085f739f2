import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who did what, when, from which address. Append-only: nothing in the app updates or deletes rows. */
@Entity('audit_log')
export class AuditEntryEntity {
  @PrimaryGeneratedColumn() id!: number;
  @Index() @Column({ type: 'varchar', length: 30 }) at!: string;
  @Column({ type: 'varchar', length: 320 }) actor!: string;
  @Column({ type: 'varchar', length: 60 }) action!: string;
  @Column({ type: 'varchar', length: 2000 }) detail!: string;
  @Column({ type: 'varchar', length: 64 }) address!: string;
}
