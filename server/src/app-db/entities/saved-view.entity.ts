import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('saved_views')
export class SavedViewEntity {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  @Column({ type: 'varchar', length: 40 }) page!: string;
  /** The RefundFilter as JSON. */
  @Column({ type: 'text' }) filter!: string;
  /** Page parameters besides the filter ({name: [values]}) as JSON; null when there are none. */
  @Column({ type: 'text', nullable: true }) params!: string | null;
  @Column({ type: 'varchar', length: 200 }) owner!: string;
  @CreateDateColumn() createdAt!: Date;
}
