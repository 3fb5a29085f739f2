import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CronExpressionParser } from 'cron-parser';
import type { RefundFilter } from '@refunds/shared';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import type { AlertRuleEntity } from '../../app-db/entities';
import { AppError, badInput } from '../../common/errors';
import { validateFilter } from '../../common/semantic/filter';
import { requestScope, WarehouseService } from '../../database/warehouse';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/auth.types';
import { parseFilterJson } from '../saved-views/saved-views.service';
import { ALERT_LANGUAGES, AlertFormat, AlertKind, type AlertDeliveryStatus, type AlertLanguage } from './alert-kinds';
import { AlertDeliveryService } from './alert-delivery.service';
import { AlertEvaluator } from './alert-evaluator';
import { AlertsRepository } from './alerts.repository';
import type { AlertRuleInput } from './dto/alert-rule.input';
import type { Finding } from './findings';
import { messageText } from './messages';
import type { AlertDelivery } from './models/alert-delivery.model';
import type { AlertRule } from './models/alert-rule.model';
import type { AlertStatus } from './models/alert-status.model';
import { assertPublicHost, parseTarget } from './targets';

const EVALUATED_VERSION = 'evaluatedDataVersion';

/** Who may create, change and delete rules; every role reads them. */
export const canManageAlerts = (p: Principal) => p.role === 'admin' || p.role === 'executive';

interface ValidRule {
  name: string;
  kind: AlertKind;
  format: AlertFormat;
  target: string;
  threshold: number | null;
  filter: RefundFilter;
  schedule: string | null;
  language: AlertLanguage;
  secret: string | null;
}

/** Threshold range per kind; null: the kind takes no threshold. */
function thresholdRange(kind: AlertKind): [number, number] | null {
  switch (kind) {
    case AlertKind.SLA_BREACH:
    case AlertKind.PAYOUT_FAILURES:
    case AlertKind.CHANNEL_INCONSISTENCY:
      return [0, 1];
    case AlertKind.INCENTIVE_MISALIGNMENT:
      return [-1, 1];
    case AlertKind.REFUND_SPIKE:
    case AlertKind.SCHEDULED_PACK:
      return null;
  }
}

@Injectable()
export class AlertsService implements OnApplicationBootstrap, OnModuleDestroy {
  private packTimer: NodeJS.Timeout | null = null;
  private readonly logger = new Logger('Alerts');
  /** Evaluations and rule baselines run one at a time, in order. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: AlertsRepository,
    private readonly evaluator: AlertEvaluator,
    private readonly delivery: AlertDeliveryService,
    private readonly db: WarehouseService,
    private readonly audit: AuditService,
  ) {}

  onApplicationBootstrap(): void {
    this.db.onCommitted(() => this.schedule());
    this.delivery.start();
    this.packTimer = setInterval(() => {
      this.chain = this.chain.then(() => this.duePacks()).catch((e: unknown) => this.logger.error(`scheduled packs failed: ${(e as Error).message}`));
    }, this.config.alerts.packTickSeconds * 1000);
    this.packTimer.unref();
    // Loads committed while no server ran (the CLI on the file) are evaluated now, off start-up.
    this.schedule();
  }

  /** Queues an evaluation of the data version now; returns at once. */
  schedule(): void {
    setImmediate(() => {
      this.chain = this.chain.then(() => this.evaluatePending()).catch((e: unknown) => this.logger.error(`alert evaluation failed: ${(e as Error).message}`));
    });
  }

  onModuleDestroy(): void {
    if (this.packTimer) clearInterval(this.packTimer);
  }

  /**
   * Queues a delivery for each SCHEDULED_PACK rule whose next cron time (after its last run, or
   * its creation) has come. Runs missed while the server was down collapse into one.
   */
  private async duePacks(): Promise<void> {
    const now = new Date();
    for (const rule of await this.repo.listRules()) {
      if (rule.kind !== AlertKind.SCHEDULED_PACK || !rule.schedule) continue;
      const last = (await this.repo.getState(`pack:${rule.id}`)) ?? rule.createdAt;
      const next = CronExpressionParser.parse(rule.schedule, { currentDate: new Date(last), tz: 'UTC' })
        .next()
        .toDate();
      if (next > now) continue;
      const finding: Finding = {
        key: `pack:${next.toISOString()}`,
        facts: { type: 'pack', scheduledAt: next.toISOString(), schedule: rule.schedule },
        page: '/',
        filter: parseFilterJson(rule.filter),
      };
      await this.repo.setState(`pack:${rule.id}`, now.toISOString());
      const forMessage = { id: rule.id, name: rule.name, kind: AlertKind.SCHEDULED_PACK, language: rule.language as AlertLanguage };
      await this.repo.addFindingsWithDeliveries(
        rule.id,
        rule.name,
        [{ key: finding.key, summary: messageText(forMessage, finding, this.delivery.baseUrl()).title, finding: JSON.stringify(finding) }],
        now.toISOString(),
      );
      this.delivery.kick();
    }
  }

  private async evaluatePending(): Promise<void> {
    const stored = await this.repo.getState(EVALUATED_VERSION);
    const target = this.db.dataVersion;
    if (stored === null) {
      // First start with alerts: there are no rules yet, so nothing to catch up on.
      await this.repo.setState(EVALUATED_VERSION, String(target));
      return;
    }
    // Not `>=`: a lower version means another warehouse file (a restored backup) under the same
    // app store, which is looked at too; the stored finding keys keep it from repeating itself.
    if (Number(stored) === target) return;
    const version = target;
    const rules = await this.repo.listRules();
    // Every rule reads the version it is recorded against, even if another load commits meanwhile.
    await requestScope.run({ version }, async () => {
      for (const rule of rules) {
        if (rule.kind === AlertKind.SCHEDULED_PACK) continue;
        try {
          await this.evaluateRule(rule);
        } catch (e) {
          this.logger.error(`rule ${rule.id} (${rule.name}) could not be evaluated: ${(e as Error).message}`);
        }
      }
    });
    await this.repo.setState(EVALUATED_VERSION, String(version));
    this.logger.log(`alert rules evaluated on data version ${version}`);
    this.delivery.kick();
  }

  private async evaluateRule(rule: AlertRuleEntity): Promise<void> {
    const filter = parseFilterJson(rule.filter);
    const findings = await this.evaluator.findings({ kind: rule.kind as AlertKind, threshold: rule.threshold, filter });
    const seen = await this.repo.seenKeys(rule.id);
    const fresh = findings.filter((f) => !seen.has(f.key));
    if (!fresh.length) return;
    const forMessage = { id: rule.id, name: rule.name, kind: rule.kind as AlertKind, language: rule.language as AlertLanguage };
    await this.repo.addFindingsWithDeliveries(
      rule.id,
      rule.name,
      fresh.map((f) => ({ key: f.key, summary: messageText(forMessage, f, this.delivery.baseUrl()).title.slice(0, 2000), finding: JSON.stringify(f) })),
      new Date().toISOString(),
    );
  }

  /** Runs `fn` in the evaluation queue, so no evaluation sees a rule before its baseline is stored. */
  private inChain<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** The keys of the findings on the data as it is now: a rule alerts only on what later loads bring. */
  private async baselineKeys(v: ValidRule): Promise<string[]> {
    const keys = v.kind === AlertKind.SCHEDULED_PACK ? [] : (await this.evaluator.findings(v)).map((f) => f.key);
    return [...new Set(keys)];
  }

  async status(): Promise<AlertStatus> {
    const v = await this.repo.getState(EVALUATED_VERSION);
    return { dataVersion: this.db.dataVersion, evaluatedDataVersion: v === null ? null : Number(v), retrying: await this.repo.countRetrying() };
  }

  async list(who: Principal): Promise<AlertRule[]> {
    const rows = await this.repo.listRules();
    return rows.map((r) => this.toModel(r, who));
  }

  async deliveries(limit: number): Promise<AlertDelivery[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badInput('limit', 'must be 1..1000');
    const rows = await this.repo.listDeliveries(limit);
    return rows.map((d) => ({
      id: d.id,
      rule: { id: d.ruleId, name: d.ruleName },
      findingKey: d.findingKey,
      status: d.status as AlertDeliveryStatus,
      attempts: d.attempts,
      at: d.at,
      nextAt: d.nextAt,
      summary: d.summary,
      lastError: d.lastError,
    }));
  }

  async create(input: AlertRuleInput, who: Principal, address: string): Promise<AlertRule> {
    this.assertManager(who);
    const v = await this.validate(input);
    const row = await this.inChain(async () => {
      const keys = await this.baselineKeys(v);
      const at = new Date().toISOString();
      const r = await this.repo.addRule({
        ...v,
        filter: JSON.stringify(v.filter),
        owner: who.name,
        ownerUserId: who.userId,
        ownerTokenId: who.tokenId,
        createdAt: at,
      });
      await this.repo.resetFindings(r.id, keys, at);
      return r;
    });
    await this.audit.record({ actor: who.name, action: 'alert-rule-created', detail: `alert rule ${row.id} "${v.name}" (${v.kind}, ${v.format})`, address });
    return this.toModel(row, who);
  }

  async update(id: number, input: AlertRuleInput, who: Principal, address: string): Promise<AlertRule> {
    this.assertManager(who);
    const old = await this.repo.findRule(id);
    if (!old) throw badInput('id', `no alert rule ${id}`);
    const v = await this.validate(input);
    // An unchanged secret may be left out rather than sent back.
    const secret = input.secret === undefined || input.secret === null ? old.secret : v.secret;
    await this.inChain(async () => {
      const keys = await this.baselineKeys(v);
      await this.repo.updateRule(id, { ...v, secret, filter: JSON.stringify(v.filter) });
      await this.repo.resetFindings(id, keys, new Date().toISOString());
      // A changed schedule counts from now: no run of the old one is made up for.
      if (v.kind === AlertKind.SCHEDULED_PACK) await this.repo.setState(`pack:${id}`, new Date().toISOString());
    });
    await this.audit.record({ actor: who.name, action: 'alert-rule-changed', detail: `alert rule ${id} "${v.name}" (${v.kind}, ${v.format})`, address });
    return this.toModel((await this.repo.findRule(id))!, who);
  }

  async remove(id: number, who: Principal, address: string): Promise<boolean> {
    this.assertManager(who);
    const old = await this.repo.findRule(id);
    if (!old || !(await this.repo.removeRule(id))) throw badInput('id', `no alert rule ${id}`);
    await this.audit.record({ actor: who.name, action: 'alert-rule-deleted', detail: `alert rule ${id} "${old.name}"`, address });
    return true;
  }

  private assertManager(who: Principal): void {
    if (!canManageAlerts(who)) throw new AppError('FORBIDDEN', 'only admins and executives manage alert rules');
  }

  private async validate(input: AlertRuleInput): Promise<ValidRule> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200) throw badInput('name', 'must be 1..200 characters');
    const kind = input.kind;
    const format = input.format ?? AlertFormat.JSON;
    const target = input.target.trim();
    const parsed = parseTarget(target, format);
    if (parsed.kind === 'http') await assertPublicHost(parsed.url, this.config.alerts.allowPrivate);
    else if (!this.config.alerts.smtpUrl) throw badInput('target', 'e-mail targets need REFUNDS_SMTP_URL set on the server');
    const range = thresholdRange(kind);
    const threshold = input.threshold ?? null;
    if (range === null && threshold !== null) throw badInput('threshold', `${kind} takes no threshold`);
    if (range !== null) {
      if (threshold === null) throw badInput('threshold', `${kind} needs a threshold`);
      if (!Number.isFinite(threshold) || threshold < range[0] || threshold > range[1]) throw badInput('threshold', `must be ${range[0]}..${range[1]}`);
    }
    const schedule = input.schedule?.trim() || null;
    if (kind === AlertKind.SCHEDULED_PACK) {
      if (!schedule) throw badInput('schedule', 'SCHEDULED_PACK needs a cron expression');
      if (schedule.length > 200) throw badInput('schedule', 'at most 200 characters');
      try {
        CronExpressionParser.parse(schedule, { tz: 'UTC' });
      } catch (e) {
        throw badInput('schedule', `is not a cron expression (${(e as Error).message.slice(0, 200)})`);
      }
      if (format !== AlertFormat.EMAIL) throw badInput('format', 'SCHEDULED_PACK is e-mailed: format EMAIL with a mailto: target');
    }
    if (kind !== AlertKind.SCHEDULED_PACK && schedule !== null) throw badInput('schedule', 'only SCHEDULED_PACK takes a schedule');
    const language = (input.language ?? 'en') as AlertLanguage;
    if (!ALERT_LANGUAGES.includes(language)) throw badInput('language', 'must be en or zh-CN');
    const secret = input.secret?.trim() || null;
    if (secret !== null && format !== AlertFormat.DINGTALK) throw badInput('secret', 'only DINGTALK rules take a signing secret');
    if (secret !== null && secret.length > 200) throw badInput('secret', 'at most 200 characters');
    const filter = validateFilter(input.filter ?? null);
    return { name, kind, format, target, threshold, filter, schedule, language, secret };
  }

  private toModel(r: AlertRuleEntity, who: Principal): AlertRule {
    let target = r.target;
    if (!canManageAlerts(who)) {
      // Webhook URLs carry their credential in the path or query: other roles see where, not how.
      const u = new URL(r.target);
      target = u.protocol === 'mailto:' ? r.target : `${u.protocol}//${u.host}/…`;
    }
    return {
      id: r.id,
      name: r.name,
      kind: r.kind as AlertKind,
      format: r.format as AlertFormat,
      target,
      threshold: r.threshold,
      filter: r.filter,
      schedule: r.schedule,
      language: r.language,
      signed: r.secret !== null,
      owner: r.owner,
      createdAt: r.createdAt,
    };
  }
}
