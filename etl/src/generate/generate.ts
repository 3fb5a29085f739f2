import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CsvSink, DAY_SECONDS, cell, csvLine, isoDate, isoTime, money, zeroPad } from './format';
import { Alias, Rng, createRng } from './rng';
import {
  AGENTS,
  AUTO_APPROVE_POLICY,
  CAMPAIGN_REASONS,
  CHANNELS,
  INCENTIVE_PLANS,
  INSPECTION_POLICY,
  NO_PRODUCT_REASONS,
  ORDER_CHANNELS,
  PHOTO_POLICY,
  PLANTED,
  CONFOUNDED,
  POLICY_CHANGES,
  PRODUCTS,
  PRODUCT_LINES,
  SPIKE_PRODUCT,
  SPIKE_REASONS,
  TIMELINE,
  campaignAt,
  policyVersionAt,
  reasonInfo,
  type Agent,
  type Channel,
  type Product,
} from './world';
import type { ReasonFamily } from '@refunds/shared';
import { TABLE_COLUMNS, type CanonicalTable } from '@refunds/warehouse';

export { createRng, Rng } from './rng';
export { CONFOUNDED, PLANTED, TIMELINE } from './world';

export interface GenerateOptions {
  out: string;
  refunds: number;
  seed: number;
  /** Orders per refund request, refunded or not (default 4). */
  ordersPerRefund?: number;
  /** Draw the world of CONFOUNDED (world.ts) instead: a known effect of rejection on repurchase. */
  confounded?: boolean;
  onProgress?: (table: string, rows: number) => void;
}

export interface GenerateSummary {
  files: Record<string, string>;
  counts: Record<string, number>;
}

/** Column order of every table, as in the data contract (one definition, shared with the importers). */
export { TABLE_COLUMNS };
export type TableName = CanonicalTable;

const CHUNK_BYTES = 4 * 1024 * 1024;
const CAMPAIGN_ORDER_BOOST = 2.5;
/** Campaign orders are refunded more often than others, for changing minds, not for defects. */
const CAMPAIGN_REFUND_BOOST = 1.4;
const USD_PER_CNY = 1 / 7.2;
const HOUR = 3600;
const DAY = DAY_SECONDS;

const BASE_APPROVAL: Readonly<Record<ReasonFamily, number>> = {
  defect: 0.95,
  logistics: 0.93,
  customer: 0.86,
  billing: 0.95,
  service: 0.88,
  other: 0.74,
};
const PARTIAL_SHARE: Readonly<Record<ReasonFamily, number>> = {
  defect: 0.17,
  logistics: 0.14,
  customer: 0.16,
  billing: 0.07,
  service: 0.12,
  other: 0.14,
};
const MEDIAN_HOURS: Readonly<Record<Channel, number>> = { web: 20, app: 16, phone: 4, chat: 8, email: 36 };

const HOME_CHANNEL_WEIGHTS = [0.42, 0.48, 0.1];
/** Refund channel given the order channel (rows: web, app, phone; columns: CHANNELS). */
const REFUND_CHANNEL_WEIGHTS: readonly (readonly number[])[] = [
  [0.5, 0.06, 0.14, 0.18, 0.12],
  [0.04, 0.6, 0.14, 0.18, 0.04],
  [0.15, 0, 0.65, 0.1, 0.1],
];
const PAYOUT_METHODS = ['original_payment', 'wallet', 'bank_transfer', 'store_credit'] as const;
const PAYOUT_WEIGHTS = [0.7, 0.12, 0.08, 0.1];
/** Local (UTC+8) hour-of-day activity, rotated to UTC below. */
const LOCAL_HOUR_WEIGHTS = [0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 0.7, 1, 1.2, 1.3, 1.3, 1.4, 1.4, 1.2, 1.2, 1.2, 1.2, 1.3, 1.6, 1.8, 2, 1.8, 1];

const CSAT_COMMENTS: readonly (readonly string[])[] = [
  [],
  ['Terrible. Rejected for no reason', '太失望了，再也不买了', 'Three calls, still "under review"', 'Agent hung up on me'],
  ['Slow and unhelpful', '处理太慢', 'Got only part of my money back'],
  ['OK', 'It took a while, but fine', '一般'],
  ['Quick refund, thanks', '客服态度很好', 'Good service'],
  ['Excellent, refunded the same day!', '非常满意，点赞', 'Perfect, "no questions asked"'],
];
const NPS_COMMENTS: readonly string[] = ['Would recommend', 'Never again', '还会再来', 'Depends on the agent, honestly', 'Great prices,\nslow refunds'];

interface ReasonEntry {
  code: string;
  family: ReasonFamily;
  /** Pre-escaped CSV cells. */
  texts: readonly string[];
}

interface ReasonTable {
  entries: readonly ReasonEntry[];
  alias: Alias;
}

function reasonTable(weights: Readonly<Record<string, number>>): ReasonTable {
  const codes = Object.keys(weights);
  return {
    entries: codes.map((code) => {
      const info = reasonInfo(code);
      return { code, family: info.family, texts: info.texts.map((t) => cell(t)) };
    }),
    alias: new Alias(codes.map((c) => weights[c])),
  };
}

function sampleReason(t: ReasonTable, rng: Rng): ReasonEntry {
  return t.entries[t.alias.sample(rng)];
}

/** Daily activity weight: slow growth, busier weekends, promotions. */
function dayWeight(dayStart: number, campaignBoost: number): number {
  const span = TIMELINE.ordersTo - TIMELINE.ordersFrom;
  const growth = 1 + (0.3 * (dayStart - TIMELINE.ordersFrom)) / span;
  const weekday = new Date(dayStart * 1000).getUTCDay();
  const weekend = weekday === 0 || weekday === 6 ? 1.15 : 1;
  return growth * weekend * (campaignAt(dayStart) ? campaignBoost : 1);
}

function dayAlias(from: number, to: number, campaignBoost: number): Alias {
  const weights: number[] = [];
  for (let d = from; d < to; d += DAY) weights.push(dayWeight(d, campaignBoost));
  return new Alias(weights);
}

/** Probability that a refund is an injected spike refund: ~10 weeks of the product's usual defect volume, at least 20. */
function spikeProbability(refunds: number): number {
  const defectShare = (line: number): number => {
    const reasons = PRODUCT_LINES[line].reasons;
    let total = 0;
    let defect = 0;
    for (const [code, w] of Object.entries(reasons)) {
      total += w;
      if (reasonInfo(code).family === 'defect') defect += w;
    }
    return defect / total;
  };
  const totalWeight = PRODUCTS.reduce((a, p) => a + p.weight, 0);
  const perRefund = 0.97 * (SPIKE_PRODUCT.weight / totalWeight) * defectShare(SPIKE_PRODUCT.line);
  const weeks = (TIMELINE.refundsTo - TIMELINE.refundsFrom) / (7 * DAY);
  const q = (10 * perRefund) / weeks;
  return refunds > 0 ? Math.max(q, 20 / refunds) : 0;
}

interface Customer {
  id: string;
  home: number;
  usd: boolean;
}

type Decision = 'approved' | 'partial' | 'rejected' | 'pending' | 'withdrawn';

/** Where a refund starts: drawn first, so the confounded world can place a customer's orders around it. */
interface RefundStart {
  spike: boolean;
  product: Product | null;
  orderedAt: number;
  requestedAt: number;
}

class Generator {
  private readonly rng: Rng;
  private readonly orderDays = dayAlias(TIMELINE.ordersFrom, TIMELINE.ordersTo, CAMPAIGN_ORDER_BOOST);
  private readonly refundOrderDays = dayAlias(TIMELINE.ordersFrom, TIMELINE.refundsTo, CAMPAIGN_ORDER_BOOST * CAMPAIGN_REFUND_BOOST);
  private readonly hours = new Alias(Array.from({ length: 24 }, (_, h) => LOCAL_HOUR_WEIGHTS[(h + 8) % 24]));
  private readonly products = new Alias(PRODUCTS.map((p) => p.weight));
  private readonly homeChannels = new Alias(HOME_CHANNEL_WEIGHTS);
  private readonly refundChannels = REFUND_CHANNEL_WEIGHTS.map((w) => new Alias(w));
  private readonly payoutMethods = new Alias(PAYOUT_WEIGHTS);
  private readonly lineReasons = PRODUCT_LINES.map((l) => reasonTable(l.reasons));
  private readonly noProductReasons = reasonTable(NO_PRODUCT_REASONS);
  private readonly campaignReasons = reasonTable(CAMPAIGN_REASONS);
  private readonly spikeReasons = reasonTable(SPIKE_REASONS);
  private readonly agentEras: ReadonlyArray<{ from: number; agents: readonly Agent[]; alias: Alias }>;
  private readonly qSpike: number;
  private readonly ordersPerRefund: number;

  private customers = 0;
  private orderSeq = 0;
  private refundSeq = 0;
  private surveySeq = 0;
  private lastCampaign: string | null = null;

  constructor(
    private readonly opts: Required<Pick<GenerateOptions, 'refunds' | 'seed' | 'ordersPerRefund' | 'confounded'>> & Pick<GenerateOptions, 'onProgress'>,
    private readonly refundsOut: CsvSink,
    private readonly ordersOut: CsvSink,
    private readonly surveysOut: CsvSink,
  ) {
    this.rng = createRng(opts.seed);
    this.qSpike = spikeProbability(opts.refunds);
    this.ordersPerRefund = opts.ordersPerRefund;
    const hires = [...new Set(AGENTS.map((a) => Math.max(a.hiredAt, TIMELINE.ordersFrom)))].sort((a, b) => a - b);
    this.agentEras = hires.map((from) => {
      const agents = AGENTS.filter((a) => a.hiredAt <= from);
      return { from, agents, alias: new Alias(agents.map((a) => (a.managerId === null ? 0.6 : 1))) };
    });
  }

  async run(): Promise<void> {
    const total = this.opts.refunds;
    while (this.refundSeq < total) {
      this.refundingCustomer(total - this.refundSeq);
      const target = this.ordersPerRefund * this.refundSeq;
      while (this.orderSeq < target) this.orderingCustomer();
      if (this.refundsOut.full || this.ordersOut.full || this.surveysOut.full) {
        for (const [name, sink] of [
          ['refunds', this.refundsOut],
          ['orders', this.ordersOut],
          ['surveys', this.surveysOut],
        ] as const) {
          await sink.flush();
          this.opts.onProgress?.(name, sink.rows);
        }
      }
    }
  }

  private newCustomer(): Customer {
    this.customers++;
    return {
      id: `C${zeroPad(this.customers, 8)}`,
      home: this.homeChannels.sample(this.rng),
      usd: this.rng.next() < 0.06,
    };
  }

  private timeOnDay(alias: Alias): number {
    const day = alias.sample(this.rng);
    return TIMELINE.ordersFrom + day * DAY + this.hours.sample(this.rng) * HOUR + this.rng.int(HOUR);
  }

  private cents(c: Customer, cny: number): number {
    return c.usd && cny > 0 ? Math.max(1, Math.round(cny * USD_PER_CNY)) : cny;
  }

  private orderChannel(c: Customer): number {
    return this.rng.next() < 0.75 ? c.home : this.homeChannels.sample(this.rng);
  }

  /** Writes one order and returns its id; its campaign is left in lastCampaign. */
  private order(c: Customer, t: number, cny: number, channel: number): string {
    this.orderSeq++;
    const id = `O${zeroPad(this.orderSeq, 9)}`;
    const campaign = campaignAt(t);
    this.lastCampaign = campaign;
    this.ordersOut.row(`${id},${c.id},${isoTime(t)},${money(this.cents(c, cny))},${c.usd ? 'USD' : 'CNY'},${ORDER_CHANNELS[channel]},${campaign ?? ''}\n`);
    return id;
  }

  private basketCny(): number {
    const p = PRODUCTS[this.products.sample(this.rng)];
    const qty = this.rng.next() < 0.85 ? 1 : 2;
    const extra = this.rng.next() < 0.3 ? Math.round(p.priceCents * this.rng.range(0.1, 0.8)) : 0;
    return p.priceCents * qty + extra;
  }

  private freeOrder(c: Customer, t: number): void {
    this.order(c, t, this.basketCny(), this.orderChannel(c));
  }

  /** A customer who only orders (the refund-rate denominator and new-vs-returning base). */
  private orderingCustomer(): void {
    const c = this.newCustomer();
    const n = 1 + this.rng.geometric(2);
    let last = 0;
    for (let i = 0; i < n; i++) {
      last = this.timeOnDay(this.orderDays);
      this.freeOrder(c, last);
    }
    if (this.rng.next() < 0.004) {
      const responded = last + Math.floor(this.rng.range(1, 10) * DAY);
      if (responded < TIMELINE.refundsTo) this.survey(null, c, 'nps', Math.min(10, Math.max(0, Math.round(7.2 + 2 * this.rng.normal()))), responded);
    }
  }

  private refundingCustomer(remaining: number): void {
    if (this.opts.confounded) return this.confoundedCustomer();
    const c = this.newCustomer();
    const u = this.rng.next();
    const n = Math.min(remaining, u < 0.74 ? 1 : u < 0.93 ? 2 : 3);
    for (let i = 0; i < n; i++) this.refund(c);
    const extra = this.rng.geometric(0.8);
    for (let i = 0; i < extra; i++) this.freeOrder(c, this.timeOnDay(this.orderDays));
  }

  private pickAgent(t: number): Agent {
    const eras = this.agentEras;
    let e = eras.length - 1;
    while (e > 0 && eras[e].from > t) e--;
    const era = eras[e];
    return era.agents[era.alias.sample(this.rng)];
  }

  private requestDelay(): number {
    return Math.floor(Math.min(60 * DAY, Math.max(600, this.rng.logNormal(4 * DAY, 0.9))));
  }

  /** One refund; a returning customer's earlier orders (1 + geometric) all come before it. */
  private confoundedCustomer(): void {
    const c = this.newCustomer();
    const start = this.refundStart();
    const isNew = this.rng.next() < CONFOUNDED.newShare || start.orderedAt <= TIMELINE.ordersFrom;
    if (!isNew) {
      const earlier = 1 + this.rng.geometric(0.8);
      for (let i = 0; i < earlier; i++) this.freeOrder(c, TIMELINE.ordersFrom + this.rng.int(start.orderedAt - TIMELINE.ordersFrom));
    }
    this.refund(c, start, isNew);
  }

  private refundStart(): RefundStart {
    const rng = this.rng;
    const spike = rng.next() < this.qSpike;
    let product: Product | null;
    if (spike) product = SPIKE_PRODUCT;
    else if (rng.next() < 0.03) product = null;
    else product = PRODUCTS[this.products.sample(rng)];

    let orderedAt: number;
    let requestedAt: number;
    if (spike) {
      requestedAt = PLANTED.spikeFrom + rng.int(PLANTED.spikeTo - PLANTED.spikeFrom);
      orderedAt = requestedAt - this.requestDelay();
    } else {
      do {
        orderedAt = this.timeOnDay(this.refundOrderDays);
        requestedAt = orderedAt + this.requestDelay();
      } while (requestedAt < TIMELINE.refundsFrom || requestedAt >= TIMELINE.refundsTo);
    }
    return { spike, product, orderedAt, requestedAt };
  }

  /** `isNew` is set in the confounded world only. */
  private refund(c: Customer, start: RefundStart = this.refundStart(), isNew?: boolean): void {
    const rng = this.rng;
    const { spike, product, orderedAt, requestedAt } = start;

    let qty = 1;
    let itemCny: number;
    let orderCny: number;
    if (product) {
      const q = rng.next();
      qty = q < 0.85 ? 1 : q < 0.97 ? 2 : 3;
      itemCny = product.priceCents * qty;
      orderCny = itemCny + (rng.next() < 0.3 ? Math.round(itemCny * rng.range(0.1, 0.8)) : 0);
    } else {
      itemCny = (1 + rng.int(20)) * 1500 - 10;
      orderCny = itemCny;
    }
    const orderChannel = this.orderChannel(c);
    const orderId = this.order(c, orderedAt, orderCny, orderChannel);
    const campaign = this.lastCampaign;

    let reason: ReasonEntry;
    if (spike) reason = sampleReason(this.spikeReasons, rng);
    else if (!product) reason = sampleReason(this.noProductReasons, rng);
    else {
      reason = sampleReason(this.lineReasons[product.line], rng);
      if (campaign !== null) {
        // Thinning defects keeps defect counts per week flat through promotions, so the planted spike stands alone.
        const keep = reason.family === 'defect' ? 1 / (CAMPAIGN_ORDER_BOOST * CAMPAIGN_REFUND_BOOST) : 0.75;
        if (rng.next() >= keep) reason = sampleReason(this.campaignReasons, rng);
      }
    }
    const family = reason.family;

    let requestedCny = itemCny;
    switch (reason.code) {
      case 'price_adjustment':
      case 'price_protection':
        requestedCny = Math.round(itemCny * rng.range(0.05, 0.25));
        break;
      case 'duplicate_charge':
        requestedCny = orderCny;
        break;
      case 'late_delivery':
        if (rng.next() < 0.4) requestedCny = Math.round(itemCny * rng.range(0.1, 0.3));
        break;
      case 'missing_parts':
        if (rng.next() < 0.6) requestedCny = Math.round(itemCny * rng.range(0.1, 0.5));
        break;
      default:
        if (product && qty > 1 && rng.next() < 0.3) requestedCny = product.priceCents;
    }
    requestedCny = Math.max(1, Math.min(requestedCny, orderCny));
    const requested = this.cents(c, requestedCny);

    const channel: Channel = CHANNELS[this.refundChannels[orderChannel].sample(rng)];
    const selfServiceable = channel === 'web' || channel === 'app';
    const autoApprove = requestedAt >= AUTO_APPROVE_POLICY.effectiveAt;
    let pSelf = 0;
    if (selfServiceable) {
      pSelf = requestedCny < 5000 ? (autoApprove ? 0.85 : 0.3) : requestedCny < 20000 ? 0.2 : 0.03;
      if (family === 'billing') pSelf += 0.2;
    }
    const agent = rng.next() < pSelf ? null : this.pickAgent(requestedAt);
    const strict = agent !== null && agent.strict;

    const photoRule = channel === 'app' && requestedAt >= PHOTO_POLICY.effectiveAt;
    const inspection =
      product !== null && PRODUCT_LINES[product.line].name === INSPECTION_POLICY.scopeProductLine && requestedAt >= INSPECTION_POLICY.effectiveAt;
    const ev = rng.next();
    const evidence: boolean | null = ev < (photoRule ? 0.25 : 0.1) ? false : ev < (photoRule ? 0.3 : 0.15) ? null : true;

    const ageDays = (TIMELINE.refundsTo - requestedAt) / DAY;
    let decision: Decision;
    if (rng.next() < 0.02) decision = 'withdrawn';
    else if (rng.next() < (agent ? 0.95 * Math.exp(-ageDays / 35) + 0.007 : 0.002)) decision = 'pending';
    else {
      let pApprove: number;
      if (agent) {
        pApprove = BASE_APPROVAL[family] + PLANTED.channelApprovalShift[channel];
        if (strict) pApprove -= 0.3;
        if (evidence === false) pApprove -= photoRule ? 0.5 : 0.15;
        else if (evidence === null) pApprove -= 0.05;
        if (photoRule) pApprove -= 0.1;
        if (inspection) pApprove -= 0.05;
        if (requestedCny >= 100000) pApprove -= 0.05;
        if (isNew) pApprove += CONFOUNDED.newApprovalShift;
        pApprove = Math.min(0.985, Math.max(0.03, pApprove));
      } else pApprove = 0.95;
      if (rng.next() < pApprove) decision = rng.next() < (agent ? PARTIAL_SHARE[family] : 0.01) ? 'partial' : 'approved';
      else decision = 'rejected';
    }
    const decided = decision === 'approved' || decision === 'partial' || decision === 'rejected';

    const escalated =
      agent !== null &&
      rng.next() < 0.025 + (decision === 'rejected' ? 0.08 : 0) + (requestedCny >= 100000 ? 0.05 : 0) + (channel === 'chat' || channel === 'email' ? 0.01 : 0);

    let decidedAt = -1;
    let hours = 0;
    if (decided) {
      let median = 0.05;
      if (agent) {
        median = MEDIAN_HOURS[channel];
        if (strict) median *= 0.7;
        if (decision === 'rejected') median *= 0.85;
        if (photoRule) median *= 2.2;
        if (evidence === false) median *= 1.4;
        if (inspection) median *= 1.6;
      }
      hours = rng.logNormal(median, agent ? 0.8 : 0.6);
      if (escalated) hours += rng.range(24, 96);
      decidedAt = requestedAt + Math.max(60, Math.floor(hours * HOUR));
      if (decidedAt >= TIMELINE.refundsTo) {
        decision = 'pending';
        decidedAt = -1;
      }
    } else if (decision === 'withdrawn' && rng.next() < 0.5) {
      decidedAt = requestedAt + Math.floor(rng.range(1, 72) * HOUR);
      if (decidedAt >= TIMELINE.refundsTo) decidedAt = -1;
    }
    const isDecided = decision === 'approved' || decision === 'partial' || decision === 'rejected';

    let refundedCny = 0;
    if (decision === 'approved') refundedCny = rng.next() < 0.06 ? Math.round(requestedCny * rng.range(0.9, 0.98)) : requestedCny;
    else if (decision === 'partial') refundedCny = Math.round(requestedCny * rng.range(0.2, 0.8));
    const refunded = decision === 'pending' ? -1 : Math.min(requested, this.cents(c, refundedCny));

    let payoutMethod = '';
    let payoutStatus = '';
    let paidAt = '';
    if ((decision === 'approved' || decision === 'partial') && refunded > 0) {
      const m = this.payoutMethods.sample(rng);
      payoutMethod = PAYOUT_METHODS[m];
      const delayHours = m === 0 ? rng.logNormal(20, 0.8) : m === 1 ? rng.logNormal(0.5, 1) : m === 2 ? rng.logNormal(40, 0.6) : 0;
      const paid = decidedAt + Math.floor(delayHours * HOUR);
      if (paid >= TIMELINE.refundsTo) payoutStatus = 'pending';
      else if (rng.next() < (m === 2 ? 0.06 : 0.015)) payoutStatus = 'failed';
      else {
        payoutStatus = 'succeeded';
        paidAt = isoTime(paid);
      }
    }

    let contacts: number;
    if (agent) {
      let lambda = 0.5;
      if (decision === 'rejected') lambda += 1.4;
      else if (decision === 'partial') lambda += 0.6;
      else if (decision === 'pending') lambda += 0.5;
      if (channel === 'email') lambda += 0.8;
      if (escalated) lambda += 1.5;
      if (strict) lambda += 0.3;
      contacts = rng.poisson(lambda);
    } else contacts = rng.poisson(0.08);

    let reopened = false;
    if (decision === 'rejected') reopened = rng.next() < (strict ? 0.22 : 0.15);
    else if (decision === 'partial') reopened = rng.next() < 0.07;
    else if (decision === 'approved') reopened = rng.next() < 0.012;

    let reviewer = '';
    if (agent && isDecided) {
      const r = rng.next();
      const big = refundedCny >= 100000 || (decision === 'rejected' && requestedCny >= 100000);
      const pPeer = big ? (decision === 'rejected' ? 0.3 : 0.8) : 0.06;
      const pSelfReview = big ? 0.06 : 0.005;
      if (r < pPeer) reviewer = AGENTS[agent.peers[rng.int(agent.peers.length)]].id;
      else if (r < pPeer + pSelfReview) reviewer = agent.id;
    }

    this.refundSeq++;
    const refundId = `R${zeroPad(this.refundSeq, 8)}`;
    const text = rng.next() < 0.45 ? reason.texts[rng.int(reason.texts.length)] : '';
    const policyVersion = rng.next() < 0.03 ? '' : policyVersionAt(requestedAt);
    const line = product ? PRODUCT_LINES[product.line].name : '';
    this.refundsOut.row(
      `${refundId},${orderId},${c.id},${agent ? agent.id : ''},${channel},${product ? product.id : ''},${line},${reason.code},${text},` +
        `${isoTime(requestedAt)},${decidedAt >= 0 ? isoTime(decidedAt) : ''},${paidAt},${decision},${money(requested)},${refunded >= 0 ? money(refunded) : ''},` +
        `${c.usd ? 'USD' : 'CNY'},${payoutMethod},${payoutStatus},${contacts},${escalated},${reopened},${evidence === null ? '' : evidence},` +
        `${reviewer},${policyVersion},${campaign ?? ''}\n`,
    );

    if (!isDecided) return;
    const slow = hours > 48;
    let csat = 0;
    if (rng.next() < 0.35) {
      const base = decision === 'approved' ? 4.35 : decision === 'partial' ? 3.6 : 2.3;
      const latent =
        base - (strict ? 0.6 : 0) - (slow ? 0.35 : 0) - (reopened ? 0.3 : 0) - (contacts > 2 ? 0.2 : 0) + (channel === 'phone' ? 0.1 : 0) + 0.75 * rng.normal();
      csat = Math.min(5, Math.max(1, Math.round(latent)));
      const responded = decidedAt + Math.floor(rng.logNormal(1.5, 0.7) * DAY);
      if (responded < TIMELINE.refundsTo) this.survey(refundId, c, 'csat', csat, responded);
    }
    if (rng.next() < 0.2) {
      const base = decision === 'approved' ? 8.1 : decision === 'partial' ? 6.6 : 3.6;
      const latent = base - (strict ? 1.2 : 0) - (slow ? 0.8 : 0) - (reopened ? 0.6 : 0) + 1.7 * rng.normal();
      const responded = decidedAt + Math.floor(rng.logNormal(2, 0.7) * DAY);
      if (responded < TIMELINE.refundsTo) this.survey(refundId, c, 'nps', Math.min(10, Math.max(0, Math.round(latent))), responded);
    }

    let pBack = decision === 'approved' ? 0.52 : decision === 'partial' ? 0.4 : 0.2;
    if (strict) pBack *= 0.7;
    if (csat > 0 && csat <= 2) pBack *= 0.8;
    if (isNew !== undefined)
      pBack =
        CONFOUNDED.repurchase[isNew ? 'new' : 'returning'] *
        (decision === 'rejected' ? CONFOUNDED.rejectedFactor : decision === 'partial' ? CONFOUNDED.partialFactor : 1);
    if (rng.next() < pBack) {
      const t = decidedAt + 60 + Math.floor(Math.min(40 * DAY, rng.exponential(9 * DAY)));
      if (t < TIMELINE.ordersTo) this.freeOrder(c, t);
      if (rng.next() < 0.35) {
        const t2 = decidedAt + Math.floor(rng.range(30, 200) * DAY);
        if (t2 < TIMELINE.ordersTo) this.freeOrder(c, t2);
      }
    }
  }

  private survey(refundId: string | null, c: Customer, kind: 'csat' | 'nps', score: number, respondedAt: number): void {
    this.surveySeq++;
    let comment = '';
    if (this.rng.next() < 0.25) {
      const pool = kind === 'csat' ? CSAT_COMMENTS[score] : NPS_COMMENTS;
      comment = cell(pool[this.rng.int(pool.length)]);
    }
    this.surveysOut.row(`S${zeroPad(this.surveySeq, 8)},${refundId ?? ''},${c.id},${kind},${score},${isoTime(respondedAt)},${comment}\n`);
  }
}

function writeStatic(sinks: Record<'agents' | 'incentive_plans' | 'policy_changes' | 'fx_rates', CsvSink>, seed: number): void {
  for (const a of AGENTS) {
    sinks.agents.row(csvLine([a.id, a.name, a.team, a.managerId, isoDate(a.hiredAt)]));
  }
  for (const p of INCENTIVE_PLANS) {
    sinks.incentive_plans.row(csvLine([p.planId, p.effectiveFrom, p.effectiveTo, p.team, p.kpi, p.weight, p.direction]));
  }
  for (const p of POLICY_CHANGES) {
    sinks.policy_changes.row(csvLine([p.changeId, isoTime(p.effectiveAt), p.title, p.description, p.scopeChannel, p.scopeProductLine]));
  }
  const rng = createRng(seed ^ 0x5f3759df);
  let rate = 7.1 + 0.1 * rng.next();
  for (let d = TIMELINE.fxFrom; d <= TIMELINE.fxTo; d += DAY) {
    rate = Math.min(7.5, Math.max(6.8, rate + 0.03 * (7.18 - rate) + 0.012 * rng.normal()));
    sinks.fx_rates.row(`${isoDate(d)},USD,${rate.toFixed(4)}\n`);
  }
}

export async function generateDataset(opts: GenerateOptions): Promise<GenerateSummary> {
  const ordersPerRefund = opts.ordersPerRefund ?? 4;
  if (typeof opts.out !== 'string' || opts.out.length === 0) throw new Error('generate: out folder is required');
  if (!Number.isSafeInteger(opts.refunds) || opts.refunds < 0) throw new Error(`generate: refunds must be a whole number >= 0, got ${opts.refunds}`);
  if (!Number.isFinite(opts.seed)) throw new Error(`generate: seed must be a number, got ${opts.seed}`);
  if (!Number.isFinite(ordersPerRefund) || ordersPerRefund < 0) throw new Error(`generate: ordersPerRefund must be >= 0, got ${ordersPerRefund}`);

  const out = resolve(opts.out);
  await mkdir(out, { recursive: true });
  const files: Record<string, string> = {};
  const sinks = {} as Record<TableName, CsvSink>;
  for (const name of Object.keys(TABLE_COLUMNS) as TableName[]) {
    files[name] = join(out, `${name}.csv`);
    sinks[name] = new CsvSink(files[name], TABLE_COLUMNS[name], CHUNK_BYTES);
  }
  try {
    writeStatic(sinks, opts.seed);
    const gen = new Generator(
      { refunds: opts.refunds, seed: opts.seed, ordersPerRefund, confounded: opts.confounded ?? false, onProgress: opts.onProgress },
      sinks.refunds,
      sinks.orders,
      sinks.surveys,
    );
    await gen.run();
    for (const name of Object.keys(sinks) as TableName[]) {
      await sinks[name].close();
      opts.onProgress?.(name, sinks[name].rows);
    }
  } catch (err) {
    for (const s of Object.values(sinks)) s.destroy();
    throw err;
  }
  const counts: Record<string, number> = {};
  for (const name of Object.keys(sinks) as TableName[]) counts[name] = sinks[name].rows;
  return { files, counts };
}
