/*
 * Policy impact (metrics.md) and the policy-change list. Choices the spec leaves open (the metric
 * catalog repeats them):
 * - T = the change's effective_at (UTC); pre = requested_at in [T - W, T), post = [T, T + W); every
 *   refund counts (policyImpact takes no filter).
 * - Scope: a refund is in scope when its channel equals scope_channel (if set) and its product_line
 *   equals scope_product_line (if set); a refund with no product_line is out of scope of a
 *   product-line change. Out-of-scope = every other refund of the same windows.
 * - approvalRate, rejectionRate, slaMetRate (resolution <= 48 h) and resolutionHours are over
 *   decided refunds. csatRate and csatAvg are per CSAT response linked by refund_id to the group's
 *   refunds (any decision, whenever answered). repurchaseRate uses W = 30 days (the default
 *   repurchase window), censored at the latest ordered_at: n = eligible decided refunds.
 * - pre/post are null over an empty group; delta = post - pre whenever both exist. The two-proportion
 *   CI and p are null when a group has n = 0; Welch's are null when a group has n < 2. With zero
 *   standard error the CI is the point [delta, delta] and p is 1 (delta 0) or 0.
 * - outOfScopeDelta/diffInDiff are null for an unscoped change; diffInDiff = delta - outOfScopeDelta
 *   when both exist.
 * - An app-entered change replaces the loaded change with the same changeId (all fields). Deleting
 *   removes only the app row (the loaded one, if any, shows again); an id with no app row is a
 *   BAD_USER_INPUT. effectiveAt input: ISO 8601 date or date-time, UTC without an offset, stored
 *   normalised to UTC with ms; scopeChannel is trimmed and lower-cased like loaded data; empty
 *   scopes mean "all".
 */
import { Injectable } from '@nestjs/common';
import { twoProportionDiff, welch, type DiffResult } from '@refunds/shared';
import { badInput } from '../../common/errors';
import { ratio } from '../../common/semantic/math';
import type { PolicyChange, PolicyImpact, PolicyImpactMetric } from './models/policy.model';
import { PolicyRepository, type ImpactRow } from './policy.repository';

export const PROPORTION_METRICS = ['approvalRate', 'rejectionRate', 'slaMetRate', 'csatRate', 'repurchaseRate'] as const;
export const MEAN_METRICS = ['resolutionHours', 'csatAvg'] as const;
type ProportionMetric = (typeof PROPORTION_METRICS)[number];
type MeanMetric = (typeof MEAN_METRICS)[number];

export interface PolicyChangeFields {
  changeId: string;
  effectiveAt: string;
  title: string;
  description: string | null;
  scopeChannel: string | null;
  scopeProductLine: string | null;
}

/** What one side (in or out of scope) reports for one metric. */
interface SideResult {
  pre: number | null;
  post: number | null;
  preN: number;
  postN: number;
  delta: number | null;
  test: DiffResult | null;
}

const EMPTY: Omit<ImpactRow, 'in_scope' | 'period'> = {
  decided: 0,
  approved_or_partial: 0,
  rejected: 0,
  sla_met: 0,
  res_n: 0,
  res_mean: null,
  res_var: null,
  csat_n: 0,
  csat_hi: 0,
  csat_mean: null,
  csat_var: null,
  rep_eligible: 0,
  rep_yes: 0,
};

function proportionOf(metric: ProportionMetric, g: Omit<ImpactRow, 'in_scope' | 'period'>): [number, number] {
  switch (metric) {
    case 'approvalRate':
      return [g.approved_or_partial, g.decided];
    case 'rejectionRate':
      return [g.rejected, g.decided];
    case 'slaMetRate':
      return [g.sla_met, g.decided];
    case 'csatRate':
      return [g.csat_hi, g.csat_n];
    case 'repurchaseRate':
      return [g.rep_yes, g.rep_eligible];
  }
}

function meanOf(metric: MeanMetric, g: Omit<ImpactRow, 'in_scope' | 'period'>): { mean: number | null; variance: number | null; n: number } {
  switch (metric) {
    case 'resolutionHours':
      return { mean: g.res_mean, variance: g.res_var, n: g.res_n };
    case 'csatAvg':
      return { mean: g.csat_mean, variance: g.csat_var, n: g.csat_n };
  }
}

const deltaOf = (pre: number | null, post: number | null): number | null => (pre !== null && post !== null ? post - pre : null);

function proportionSide(metric: ProportionMetric, pre: Omit<ImpactRow, 'in_scope' | 'period'>, post: Omit<ImpactRow, 'in_scope' | 'period'>): SideResult {
  const [x1, n1] = proportionOf(metric, pre);
  const [x2, n2] = proportionOf(metric, post);
  const p1 = ratio(x1, n1);
  const p2 = ratio(x2, n2);
  return { pre: p1, post: p2, preN: n1, postN: n2, delta: deltaOf(p1, p2), test: twoProportionDiff(x1, n1, x2, n2) };
}

function meanSide(metric: MeanMetric, pre: Omit<ImpactRow, 'in_scope' | 'period'>, post: Omit<ImpactRow, 'in_scope' | 'period'>): SideResult {
  const a = meanOf(metric, pre);
  const b = meanOf(metric, post);
  const test =
    a.mean !== null && b.mean !== null && a.variance !== null && b.variance !== null ? welch(a.mean, a.variance, a.n, b.mean, b.variance, b.n) : null;
  return { pre: a.mean, post: b.mean, preN: a.n, postN: b.n, delta: deltaOf(a.mean, b.mean), test };
}

@Injectable()
export class PolicyService {
  constructor(private readonly repo: PolicyRepository) {}

  /** Loaded and app-entered changes, the app overriding by changeId; by effectiveAt, changeId. */
  async changes(): Promise<PolicyChange[]> {
    const [loaded, stored] = await Promise.all([this.repo.loadedChanges(), this.repo.storedChanges()]);
    const byId = new Map<string, PolicyChange>();
    for (const r of loaded) {
      byId.set(r.change_id, {
        changeId: r.change_id,
        effectiveAt: new Date(Math.floor(Number(r.effective_us) / 1000)).toISOString(),
        title: r.title,
        description: r.description,
        scopeChannel: r.scope_channel,
        scopeProductLine: r.scope_product_line,
        source: 'data',
      });
    }
    for (const s of stored) byId.set(s.changeId, { ...fromStored(s), source: 'app' });
    return [...byId.values()].sort((a, b) =>
      a.effectiveAt < b.effectiveAt ? -1 : a.effectiveAt > b.effectiveAt ? 1 : a.changeId < b.changeId ? -1 : a.changeId > b.changeId ? 1 : 0,
    );
  }

  async impact(changeId: string, windowDays: number): Promise<PolicyImpact> {
    const change = (await this.changes()).find((c) => c.changeId === changeId);
    if (!change) throw badInput('changeId', `no policy change "${changeId.slice(0, 100)}"`);
    const rows = await this.repo.impact({
      at: change.effectiveAt.replace('T', ' ').replace('Z', ''),
      windowDays,
      scopeChannel: change.scopeChannel,
      scopeProductLine: change.scopeProductLine,
    });
    const group = (inScope: boolean, period: 'pre' | 'post') => rows.find((r) => r.in_scope === inScope && r.period === period) ?? EMPTY;
    const scoped = change.scopeChannel !== null || change.scopeProductLine !== null;

    const metric = (name: string, side: (inScope: boolean) => SideResult): PolicyImpactMetric => {
      const inside = side(true);
      const outside = scoped ? side(false) : null;
      const outDelta = outside?.delta ?? null;
      return {
        metric: name,
        pre: inside.pre,
        post: inside.post,
        preN: inside.preN,
        postN: inside.postN,
        delta: inside.delta,
        low: inside.test?.low ?? null,
        high: inside.test?.high ?? null,
        pValue: inside.test?.pValue ?? null,
        outOfScopeDelta: outDelta,
        diffInDiff: inside.delta !== null && outDelta !== null ? inside.delta - outDelta : null,
        outOfScopePre: outside?.pre ?? null,
        outOfScopePost: outside?.post ?? null,
        outOfScopePreN: outside?.preN ?? null,
        outOfScopePostN: outside?.postN ?? null,
      };
    };

    return {
      changeId: change.changeId,
      effectiveAt: change.effectiveAt,
      title: change.title,
      windowDays,
      scopeChannel: change.scopeChannel,
      scopeProductLine: change.scopeProductLine,
      source: change.source,
      metrics: [
        ...PROPORTION_METRICS.map((m) => metric(m, (s) => proportionSide(m, group(s, 'pre'), group(s, 'post')))),
        ...MEAN_METRICS.map((m) => metric(m, (s) => meanSide(m, group(s, 'pre'), group(s, 'post')))),
      ],
    };
  }

  async upsert(input: PolicyChangeFields): Promise<PolicyChange> {
    const saved = await this.repo.saveStored(input);
    return { ...fromStored(saved), source: 'app' };
  }

  async remove(changeId: string): Promise<boolean> {
    if (!(await this.repo.deleteStored(changeId))) {
      throw badInput('changeId', `no app-entered policy change "${changeId.slice(0, 100)}" (loaded changes are replaced by loading data)`);
    }
    return true;
  }
}

function fromStored(s: PolicyChangeFields): Omit<PolicyChange, 'source'> {
  return {
    changeId: s.changeId,
    effectiveAt: s.effectiveAt,
    title: s.title,
    description: s.description,
    scopeChannel: s.scopeChannel,
    scopeProductLine: s.scopeProductLine,
  };
}
