import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** An alert rule: what to look for after each committed load, and where to say so. */
@Entity('alert_rules')
export class AlertRuleEntity {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  @Column({ type: 'varchar', length: 40 }) kind!: string;
  @Column({ type: 'varchar', length: 20 }) format!: string;
  @Column({ type: 'varchar', length: 2000 }) target!: string;
  @Column({ type: 'float', nullable: true }) threshold!: number | null;
  /** The RefundFilter as JSON. */
  @Column({ type: 'text' }) filter!: string;
  /** Cron expression (SCHEDULED_PACK). */
  @Column({ type: 'varchar', length: 200, nullable: true }) schedule!: string | null;
  /** en or zh-CN: the language of the messages. */
  @Column({ type: 'varchar', length: 10 }) language!: string;
  /** DingTalk signing secret (optional); never returned by the API. */
  @Column({ type: 'varchar', length: 200, nullable: true }) secret!: string | null;
  @Column({ type: 'varchar', length: 320 }) owner!: string;
  /** Who made the rule (user, API token, or neither for the bootstrap admin): a scheduled pack renders with their rights. */
  @Column({ type: 'integer', nullable: true }) ownerUserId!: number | null;
  @Column({ type: 'integer', nullable: true }) ownerTokenId!: number | null;
  @Column({ type: 'varchar', length: 30 }) createdAt!: string;
}

/** A finding a rule has seen (delivered, or present when the rule was made): never delivered again. */
@Entity('alert_findings')
@Index(['ruleId', 'findingKey'], { unique: true })
export class AlertFindingEntity {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer' }) ruleId!: number;
  @Column({ type: 'varchar', length: 300 }) findingKey!: string;
  @Column({ type: 'varchar', length: 30 }) at!: string;
}

/** One message to one target, with its attempts. The rule's name is kept so the log outlives the rule. */
@Entity('alert_deliveries')
export class AlertDeliveryEntity {
  @PrimaryGeneratedColumn() id!: number;
  @Index() @Column({ type: 'integer', nullable: true }) ruleId!: number | null;
  @Column({ type: 'varchar', length: 200 }) ruleName!: string;
  @Column({ type: 'varchar', length: 300 }) findingKey!: string;
  /** DELIVERED, FAILED or RETRYING. */
  @Index() @Column({ type: 'varchar', length: 20 }) status!: string;
  @Column({ type: 'integer' }) attempts!: number;
  /** When the last attempt was made. */
  @Column({ type: 'varchar', length: 30 }) at!: string;
  /** When the next attempt is due (RETRYING only). */
  @Column({ type: 'varchar', length: 30, nullable: true }) nextAt!: string | null;
  @Column({ type: 'varchar', length: 2000 }) summary!: string;
  /** The rendered finding as JSON, so a retry sends the same message. */
  @Column({ type: 'text' }) finding!: string;
  @Column({ type: 'varchar', length: 1000, nullable: true }) lastError!: string | null;
}

/** Bookkeeping of the evaluator: the last data version evaluated. */
@Entity('alert_state')
export class AlertStateEntity {
  @PrimaryColumn({ type: 'varchar', length: 60 }) key!: string;
  @Column({ type: 'varchar', length: 200 }) value!: string;
}
