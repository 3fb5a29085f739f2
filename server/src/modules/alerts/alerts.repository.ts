import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThanOrEqual, type Repository } from 'typeorm';
import { AlertDeliveryEntity, AlertFindingEntity, AlertRuleEntity, AlertStateEntity } from '../../app-db/entities';

@Injectable()
export class AlertsRepository {
  constructor(
    @InjectRepository(AlertRuleEntity) private readonly rules: Repository<AlertRuleEntity>,
    @InjectRepository(AlertFindingEntity) private readonly findings: Repository<AlertFindingEntity>,
    @InjectRepository(AlertDeliveryEntity) private readonly deliveries: Repository<AlertDeliveryEntity>,
    @InjectRepository(AlertStateEntity) private readonly state: Repository<AlertStateEntity>,
  ) {}

  listRules(): Promise<AlertRuleEntity[]> {
    return this.rules.find({ order: { id: 'ASC' } });
  }

  findRule(id: number): Promise<AlertRuleEntity | null> {
    return this.rules.findOne({ where: { id } });
  }

  addRule(r: Omit<AlertRuleEntity, 'id'>): Promise<AlertRuleEntity> {
    return this.rules.save(this.rules.create(r));
  }

  async updateRule(id: number, r: Partial<Omit<AlertRuleEntity, 'id'>>): Promise<void> {
    await this.rules.update({ id }, r);
  }

  /** Forgets the findings seen, so a changed rule starts again from the data as it is. */
  async resetFindings(ruleId: number, keys: string[], at: string): Promise<void> {
    await this.findings.manager.transaction(async (m) => {
      await m.delete(AlertFindingEntity, { ruleId });
      await this.insertFindingsWith(m.getRepository(AlertFindingEntity), ruleId, keys, at);
    });
  }

  async removeRule(id: number): Promise<boolean> {
    return ((await this.rules.delete({ id })).affected ?? 0) > 0;
  }

  async seenKeys(ruleId: number): Promise<Set<string>> {
    const rows = await this.findings.find({ where: { ruleId }, select: { findingKey: true } });
    return new Set(rows.map((r) => r.findingKey));
  }

  private async insertFindingsWith(repo: Repository<AlertFindingEntity>, ruleId: number, keys: string[], at: string): Promise<void> {
    for (let i = 0; i < keys.length; i += 200) await repo.insert(keys.slice(i, i + 200).map((findingKey) => ({ ruleId, findingKey, at })));
  }

  /** Records the findings as seen and queues their deliveries, in one transaction. */
  async addFindingsWithDeliveries(
    ruleId: number,
    ruleName: string,
    items: Array<{ key: string; summary: string; finding: string }>,
    at: string,
  ): Promise<void> {
    await this.findings.manager.transaction(async (m) => {
      await this.insertFindingsWith(
        m.getRepository(AlertFindingEntity),
        ruleId,
        items.map((i) => i.key),
        at,
      );
      for (const i of items)
        await m.insert(AlertDeliveryEntity, {
          ruleId,
          ruleName,
          findingKey: i.key,
          status: 'RETRYING',
          attempts: 0,
          at,
          nextAt: at,
          summary: i.summary,
          finding: i.finding,
          lastError: null,
        });
    });
  }

  countRetrying(): Promise<number> {
    return this.deliveries.count({ where: { status: 'RETRYING' } });
  }

  dueDeliveries(now: string): Promise<AlertDeliveryEntity[]> {
    return this.deliveries.find({ where: { status: 'RETRYING', nextAt: LessThanOrEqual(now) }, order: { id: 'ASC' }, take: 100 });
  }

  async saveAttempt(id: number, d: Pick<AlertDeliveryEntity, 'status' | 'attempts' | 'at' | 'nextAt' | 'summary' | 'lastError'>): Promise<void> {
    await this.deliveries.update({ id }, d);
  }

  /** Newest first. */
  listDeliveries(limit: number, ruleIds?: number[]): Promise<AlertDeliveryEntity[]> {
    return this.deliveries.find({ where: ruleIds ? { ruleId: In(ruleIds) } : {}, order: { id: 'DESC' }, take: limit });
  }

  async getState(key: string): Promise<string | null> {
    return (await this.state.findOne({ where: { key } }))?.value ?? null;
  }

  async setState(key: string, value: string): Promise<void> {
    await this.state.upsert({ key, value }, ['key']);
  }
}
