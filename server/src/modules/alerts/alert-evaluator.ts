import { Injectable } from '@nestjs/common';
import { DEFAULTS, type RefundFilter } from '@refunds/shared';
import { AgentsService } from '../agents/agents.service';
import { ChannelsService } from '../channels/channels.service';
import { OverviewService } from '../overview/overview.service';
import { ReasonsService } from '../reasons/reasons.service';
import { AlertKind } from './alert-kinds';
import type { Finding } from './findings';

/** Weeks of the data looked at for weekly rates (SLA, payouts): the most recent ones with refunds. */
export const RECENT_WEEKS = 8;
/** A weekly rate on fewer cases than this is noise, not a finding. */
export const MIN_WEEKLY_CASES = 20;

export interface RuleToEvaluate {
  kind: AlertKind;
  threshold: number | null;
  filter: RefundFilter;
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Turns a rule into its findings on the data as it is now, from the same services the pages use.
 * A finding's key names what it is about (a product's week, a week's rate), so the same data
 * loaded again gives the same keys and nothing new is delivered.
 */
@Injectable()
export class AlertEvaluator {
  constructor(
    private readonly overview: OverviewService,
    private readonly reasons: ReasonsService,
    private readonly channels: ChannelsService,
    private readonly agents: AgentsService,
  ) {}

  async findings(rule: RuleToEvaluate): Promise<Finding[]> {
    const f = rule.filter;
    switch (rule.kind) {
      case AlertKind.REFUND_SPIKE: {
        const all = await this.reasons.spikes(f, DEFAULTS.spikeMinCount, DEFAULTS.spikeAlpha);
        // Spike weeks of a product that follow each other are one episode, keyed by its first
        // week: a spike that goes on into the next load's weeks is not alerted again.
        const weeks = new Set(all.map((s) => `${s.productId}\u0000${s.week}`));
        const spikes = all.filter((s) => !weeks.has(`${s.productId}\u0000${addDays(s.week, -7)}`));
        return spikes.map((s) => ({
          key: `spike:${s.productId}:${s.week}`,
          facts: {
            type: 'spike',
            productId: s.productId,
            productLine: s.productLine,
            week: s.week,
            count: s.count,
            expected: s.expected,
            ratio: s.ratio,
            pValue: s.pValue,
            topReasonCode: s.topReasonCode ?? null,
          },
          page: '/reasons',
          filter: s.productLine ? { ...f, productLines: [s.productLine] } : f,
        }));
      }
      case AlertKind.SLA_BREACH:
      case AlertKind.PAYOUT_FAILURES:
        return this.weekly(rule.kind, rule.threshold!, f);
      case AlertKind.CHANNEL_INCONSISTENCY: {
        const week = await this.latestWeek(f);
        if (!week) return [];
        const c = await this.channels.consistency(f, DEFAULTS.consistencyMinCases, DEFAULTS.consistencyGap);
        if (c.inconsistencyRate === null || !(c.inconsistencyRate > rule.threshold!)) return [];
        return [
          {
            key: `channels:${week}`,
            facts: {
              type: 'rate',
              metric: 'inconsistencyRate',
              week,
              value: c.inconsistencyRate,
              threshold: rule.threshold!,
              direction: 'above',
              n: c.comparableCohorts,
            },
            page: '/channels',
            filter: f,
          },
        ];
      }
      case AlertKind.INCENTIVE_MISALIGNMENT: {
        const week = await this.latestWeek(f);
        if (!week) return [];
        let a;
        try {
          a = await this.agents.alignment(f, DEFAULTS.agentMinCases, { planId: null, weights: null }, 'admin');
        } catch {
          return []; // no incentive plans loaded: nothing to judge
        }
        if (a.alignment === null || !(a.alignment < rule.threshold!)) return [];
        return [
          {
            key: `alignment:${a.plan.planId ?? ''}:${week}`,
            facts: {
              type: 'rate',
              metric: 'alignment',
              week,
              value: a.alignment,
              threshold: rule.threshold!,
              direction: 'below',
              n: a.n,
              planId: a.plan.planId,
            },
            page: '/incentives',
            filter: f,
          },
        ];
      }
      case AlertKind.SCHEDULED_PACK:
        return [];
    }
  }

  /** ISO week (Monday) of the latest refund under the filter, null without refunds. */
  private async latestWeek(f: RefundFilter): Promise<string | null> {
    const trend = await this.overview.trend(f, 'WEEK');
    return trend.length ? trend[trend.length - 1].period : null;
  }

  private async weekly(kind: typeof AlertKind.SLA_BREACH | typeof AlertKind.PAYOUT_FAILURES, threshold: number, f: RefundFilter): Promise<Finding[]> {
    const trend = await this.overview.trend(f, 'WEEK');
    const weeks = trend.slice(-RECENT_WEEKS).map((t) => t.period);
    const out: Finding[] = [];
    for (const week of weeks) {
      const end = addDays(week, 7);
      const wf: RefundFilter = { ...f, from: f.from && f.from > week ? f.from : week, to: f.to && f.to < end ? f.to : end };
      const o = await this.overview.overview(wf, false, false);
      if (kind === AlertKind.SLA_BREACH) {
        if (o.decided < MIN_WEEKLY_CASES || o.slaMetRate === null || !(o.slaMetRate < threshold)) continue;
        out.push({
          key: `sla:${week}`,
          facts: { type: 'rate', metric: 'slaMetRate', week, value: o.slaMetRate, threshold, direction: 'below', n: o.decided },
          page: '/',
          filter: wf,
        });
      } else {
        if (o.payoutN < MIN_WEEKLY_CASES || o.payoutFailureRate === null || !(o.payoutFailureRate > threshold)) continue;
        out.push({
          key: `payouts:${week}`,
          facts: { type: 'rate', metric: 'payoutFailureRate', week, value: o.payoutFailureRate, threshold, direction: 'above', n: o.payoutN },
          page: '/',
          filter: wf,
        });
      }
    }
    return out;
  }
}
