import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A note on a date (and optionally a metric), drawn on every time chart. */
@Entity('annotations')
export class AnnotationEntity {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 10 }) date!: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) metric!: string | null;
  @Column({ type: 'varchar', length: 2000 }) note!: string;
  @Column({ type: 'varchar', length: 200 }) author!: string;
  @CreateDateColumn() createdAt!: Date;
}
