import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import type { AlertDeliveryEntity, AlertRuleEntity } from '../../app-db/entities';
import { AlertFormat, type AlertKind, type AlertLanguage } from './alert-kinds';
import { AlertsRepository } from './alerts.repository';
import type { Finding } from './findings';
import { chatToolError, dingTalkSignedUrl, emailMessage, messageText, webhookBody, type RuleForMessage } from './messages';
import { MetricsService } from '../health/metrics.service';
import { PackRenderer } from './pack-renderer';
import { assertPublicHost, parseTarget } from './targets';

const TIMEOUT_MS = 10_000;

/**
 * Sends queued deliveries and retries failed ones with backoff (REFUNDS_ALERT_RETRY_SECONDS),
 * off the request path: a timer picks up due deliveries from the app store, so retries survive
 * a restart. Every attempt updates the delivery's row (the log `alertDeliveries` shows).
 */
@Injectable()
export class AlertDeliveryService implements OnModuleDestroy {
  private readonly logger = new Logger('Alerts');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private mailer: Transporter | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: AlertsRepository,
    private readonly packs: PackRenderer,
    private readonly metrics: MetricsService,
  ) {}

  start(): void {
    const pollMs = Math.min(10_000, Math.max(100, (Math.min(...this.config.alerts.retrySeconds) * 1000) / 2));
    this.timer = setInterval(() => this.kick(), pollMs);
    this.timer.unref();
    this.kick();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.mailer?.close();
  }

  /** Runs due deliveries now (one pass at a time; a kick during a pass runs another after it). */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((e: unknown) => this.logger.error(`alert delivery pass failed: ${(e as Error).message}`))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async pass(): Promise<void> {
    const due = await this.repo.dueDeliveries(new Date().toISOString());
    await Promise.all(due.map((d) => this.attempt(d)));
  }

  private async attempt(d: AlertDeliveryEntity): Promise<void> {
    const rule = d.ruleId === null ? null : await this.repo.findRule(d.ruleId);
    const attempts = d.attempts + 1;
    const at = new Date().toISOString();
    let error: string | null;
    if (!rule) error = 'the rule was deleted';
    else {
      try {
        await this.send(rule, JSON.parse(d.finding) as Finding, at);
        error = null;
      } catch (e) {
        error = (e as Error).message.slice(0, 1000);
      }
    }
    const retries = this.config.alerts.retrySeconds;
    if (error === null) {
      await this.repo.saveAttempt(d.id, { status: 'DELIVERED', attempts, at, nextAt: null, summary: d.summary, lastError: null });
      this.metrics.alertAttempt('DELIVERED');
      return;
    }
    const last = !rule || attempts > retries.length;
    this.logger.warn(`alert delivery ${d.id} (rule ${d.ruleName}) attempt ${attempts} failed: ${error}`);
    await this.repo.saveAttempt(d.id, {
      status: last ? 'FAILED' : 'RETRYING',
      attempts,
      at,
      nextAt: last ? null : new Date(Date.now() + retries[attempts - 1] * 1000).toISOString(),
      summary: d.summary,
      lastError: error,
    });
    this.metrics.alertAttempt(last ? 'FAILED' : 'RETRYING');
  }

  baseUrl(): string {
    return this.config.publicUrl ?? `http://localhost:${this.config.port}`;
  }

  private async send(rule: AlertRuleEntity, finding: Finding, at: string): Promise<void> {
    const format = rule.format as AlertFormat;
    const forMessage: RuleForMessage = { id: rule.id, name: rule.name, kind: rule.kind as AlertKind, language: rule.language as AlertLanguage };
    const text = messageText(forMessage, finding, this.baseUrl());
    const target = parseTarget(rule.target, format);
    if (target.kind === 'mailto') {
      if (!this.config.alerts.smtpUrl) throw new Error('REFUNDS_SMTP_URL is not set');
      this.mailer ??= createTransport(this.config.alerts.smtpUrl);
      const m = emailMessage(text);
      const attachments = finding.facts.type === 'pack' ? await this.packs.render(rule) : [];
      await this.mailer.sendMail({ from: this.config.alerts.smtpFrom, to: target.address, subject: m.subject, text: m.text, html: m.html, attachments });
      return;
    }
    if (format === AlertFormat.EMAIL) throw new Error('format EMAIL needs a mailto: target');
    await assertPublicHost(target.url, this.config.alerts.allowPrivate);
    const url = format === AlertFormat.DINGTALK && rule.secret ? dingTalkSignedUrl(target.url.toString(), rule.secret, Date.now()) : target.url.toString();
    // No redirects: a public URL must not bounce the request to an internal one.
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'refund-analytics-alerts/1' },
      body: JSON.stringify(webhookBody(format, forMessage, finding, text, at)),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = (await res.text()).slice(0, 10_000);
    if (res.status < 200 || res.status >= 300) throw new Error(`HTTP ${res.status}`);
    const chatError = chatToolError(format, body);
    if (chatError) throw new Error(`the target answered with error ${chatError}`);
  }
}
