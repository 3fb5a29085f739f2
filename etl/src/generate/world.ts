import { reasonFamilyOf, type AgentKpi, type ReasonFamily } from '@refunds/shared';
import { DAY_SECONDS, epoch } from './format';
import { createRng } from './rng';

/** Fixed timeline and planted effects; the seed varies the rows, not these. */
export const TIMELINE = {
  ordersFrom: epoch('2023-12-01'),
  refundsFrom: epoch('2024-01-01'),
  refundsTo: epoch('2026-01-01'),
  ordersTo: epoch('2026-03-01'),
  fxFrom: epoch('2023-11-01'),
  fxTo: epoch('2026-03-31'),
} as const;

export const CHANNELS = ['web', 'app', 'phone', 'chat', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];
export const ORDER_CHANNELS = ['web', 'app', 'phone'] as const;

export interface Campaign {
  name: string;
  from: number;
  to: number;
}

export const CAMPAIGNS: readonly Campaign[] = [
  { name: '618', from: epoch('2024-06-01'), to: epoch('2024-06-19') },
  { name: 'singles_day', from: epoch('2024-11-01'), to: epoch('2024-11-12') },
  { name: '618', from: epoch('2025-06-01'), to: epoch('2025-06-19') },
  { name: 'singles_day', from: epoch('2025-11-01'), to: epoch('2025-11-12') },
];

export function campaignAt(t: number): string | null {
  for (const c of CAMPAIGNS) if (t >= c.from && t < c.to) return c.name;
  return null;
}

export interface PolicyChange {
  changeId: string;
  effectiveAt: number;
  title: string;
  description: string;
  scopeChannel: Channel | null;
  scopeProductLine: string | null;
}

export const POLICY_CHANGES: readonly PolicyChange[] = [
  {
    changeId: 'PC1',
    effectiveAt: epoch('2025-04-01'),
    title: 'Photo evidence required',
    description: 'App refund requests must include photos of the item; requests without photos are sent back or rejected.',
    scopeChannel: 'app',
    scopeProductLine: null,
  },
  {
    changeId: 'PC2',
    effectiveAt: epoch('2024-07-15'),
    title: 'Instant refunds under 50 CNY',
    description: 'Requests below 50 CNY are approved automatically by self-service, without an agent.',
    scopeChannel: null,
    scopeProductLine: null,
  },
  {
    changeId: 'PC3',
    effectiveAt: epoch('2025-09-01'),
    title: 'Inspection before refund, electronics',
    description: 'Returned electronics are inspected at the warehouse before the refund is decided ("test, then refund").',
    scopeChannel: null,
    scopeProductLine: 'electronics',
  },
];

const policy = (id: string): PolicyChange => {
  const p = POLICY_CHANGES.find((c) => c.changeId === id);
  if (!p) throw new Error(`no policy change ${id}`);
  return p;
};
export const PHOTO_POLICY = policy('PC1');
export const AUTO_APPROVE_POLICY = policy('PC2');
export const INSPECTION_POLICY = policy('PC3');

export function policyVersionAt(t: number): string {
  if (t >= INSPECTION_POLICY.effectiveAt) return 'v4';
  if (t >= PHOTO_POLICY.effectiveAt) return 'v3';
  if (t >= AUTO_APPROVE_POLICY.effectiveAt) return 'v2';
  return 'v1';
}

export interface PlanRow {
  planId: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  team: string | null;
  kpi: AgentKpi;
  weight: number;
  direction: 'higher_is_better' | 'lower_is_better';
}

export const INCENTIVE_PLANS: readonly PlanRow[] = [
  { planId: 'P1', effectiveFrom: '2024-01-01', effectiveTo: '2024-12-31', team: null, kpi: 'rejectionRate', weight: 0.5, direction: 'higher_is_better' },
  { planId: 'P1', effectiveFrom: '2024-01-01', effectiveTo: '2024-12-31', team: null, kpi: 'refundCostPerCase', weight: 0.3, direction: 'lower_is_better' },
  { planId: 'P1', effectiveFrom: '2024-01-01', effectiveTo: '2024-12-31', team: null, kpi: 'resolutionHours', weight: 0.2, direction: 'lower_is_better' },
  { planId: 'P2', effectiveFrom: '2025-01-01', effectiveTo: null, team: null, kpi: 'approvalRate', weight: 0.4, direction: 'higher_is_better' },
  { planId: 'P2', effectiveFrom: '2025-01-01', effectiveTo: null, team: null, kpi: 'reopenRate', weight: 0.3, direction: 'lower_is_better' },
  { planId: 'P2', effectiveFrom: '2025-01-01', effectiveTo: null, team: null, kpi: 'contactsPerRefund', weight: 0.3, direction: 'lower_is_better' },
];

export const TEAMS = ['Shanghai', 'Chengdu', 'Wuhan', 'Shenzhen'] as const;

const AGENT_NAMES = [
  '王芳 (Wang Fang)',
  '李娜 (Li Na)',
  '张伟 (Zhang Wei)',
  '刘洋 (Liu Yang)',
  '陈静 (Chen Jing)',
  '杨磊 (Yang Lei)',
  '赵敏 (Zhao Min)',
  '黄勇 (Huang Yong)',
  '周杰 (Zhou Jie)',
  '吴霞 (Wu Xia)',
  '徐强 (Xu Qiang)',
  '孙丽 (Sun Li)',
  '马超 (Ma Chao)',
  '朱婷 (Zhu Ting)',
  '胡斌 (Hu Bin)',
  '郭雪 (Guo Xue)',
  '何涛 (He Tao)',
  '高燕 (Gao Yan)',
  '林峰 (Lin Feng)',
  '罗琳 (Luo Lin)',
  '郑浩 (Zheng Hao)',
  '梁爽 (Liang Shuang)',
  '谢宇 (Xie Yu)',
  '宋佳 (Song Jia)',
  '唐亮 (Tang Liang)',
  '韩梅 (Han Mei)',
  '冯军 (Feng Jun)',
  '邓欣 (Deng Xin)',
  '曹阳 (Cao Yang)',
  '彭飞 (Peng Fei)',
  '曾倩 (Zeng Qian)',
  '肖鹏 (Xiao Peng)',
  '田甜 (Tian Tian)',
  '董浩然 (Dong Haoran)',
  '袁媛 (Yuan Yuan)',
  '潘婷 (Pan Ting)',
  '蒋凯 (Jiang Kai)',
  '蔡琴 (Cai Qin)',
  '余波 (Yu Bo)',
  '杜鹃 (Du Juan)',
];

export interface Agent {
  index: number;
  id: string;
  name: string;
  team: string;
  managerId: string | null;
  hiredAt: number;
  strict: boolean;
  /** Agents of the same team who may act as second-level reviewer. */
  peers: number[];
}

const STRICT_AGENT_IDS = new Set(['A04', 'A07', 'A13', 'A18', 'A24', 'A27', 'A33', 'A38']);
const LATE_HIRES: Readonly<Record<string, string>> = { A20: '2024-06-17', A40: '2025-01-06' };

export const AGENTS: readonly Agent[] = (() => {
  const rng = createRng(0x0a6e475);
  const agents: Agent[] = AGENT_NAMES.map((name, i) => {
    const id = `A${String(i + 1).padStart(2, '0')}`;
    const teamIdx = Math.floor(i / 10);
    const leadId = `A${String(teamIdx * 10 + 1).padStart(2, '0')}`;
    const hired = LATE_HIRES[id] ?? null;
    return {
      index: i,
      id,
      name,
      team: TEAMS[teamIdx],
      managerId: id === leadId ? null : leadId,
      hiredAt: hired ? epoch(hired) : epoch('2019-03-01') + rng.int(4 * 365) * DAY_SECONDS,
      strict: STRICT_AGENT_IDS.has(id),
      peers: [],
    };
  });
  for (const a of agents) a.peers = agents.filter((b) => b.team === a.team && b.id !== a.id).map((b) => b.index);
  return agents;
})();

export interface ProductLine {
  name: string;
  products: number;
  medianPrice: number;
  priceSigma: number;
  share: number;
  /** Refund reason weights for refunds of this line. */
  reasons: Readonly<Record<string, number>>;
}

export const PRODUCT_LINES: readonly ProductLine[] = [
  {
    name: 'electronics',
    products: 40,
    medianPrice: 1100,
    priceSigma: 0.55,
    share: 0.28,
    reasons: {
      defective: 14,
      quality_defect: 8,
      damaged: 5,
      not_as_described: 6,
      wrong_item: 4,
      missing_parts: 4,
      late_delivery: 6,
      lost_in_transit: 2,
      damaged_in_transit: 4,
      changed_mind: 14,
      misunderstanding: 4,
      ordered_by_mistake: 4,
      unwanted: 4,
      found_cheaper: 6,
      duplicate_charge: 1,
      price_adjustment: 5,
      price_protection: 3,
      other: 3,
    },
  },
  {
    name: 'apparel',
    products: 40,
    medianPrice: 150,
    priceSigma: 0.35,
    share: 0.24,
    reasons: {
      size: 22,
      color: 6,
      style: 8,
      changed_mind: 16,
      quality_defect: 6,
      defective: 2,
      damaged: 3,
      not_as_described: 7,
      wrong_item: 4,
      late_delivery: 5,
      lost_in_transit: 1,
      damaged_in_transit: 1,
      unwanted: 5,
      ordered_by_mistake: 3,
      found_cheaper: 3,
      price_adjustment: 2,
      other: 3,
      gift_return: 2,
    },
  },
  {
    name: 'home',
    products: 35,
    medianPrice: 420,
    priceSigma: 0.35,
    share: 0.15,
    reasons: {
      damaged: 8,
      damaged_in_transit: 7,
      defective: 8,
      quality_defect: 6,
      missing_parts: 6,
      not_as_described: 6,
      wrong_item: 3,
      late_delivery: 7,
      lost_in_transit: 2,
      changed_mind: 13,
      style: 4,
      color: 3,
      size: 4,
      unwanted: 5,
      ordered_by_mistake: 3,
      found_cheaper: 3,
      price_adjustment: 3,
      other: 3,
    },
  },
  {
    name: 'beauty',
    products: 30,
    medianPrice: 120,
    priceSigma: 0.35,
    share: 0.12,
    reasons: {
      damaged: 6,
      quality_defect: 6,
      not_as_described: 5,
      wrong_item: 4,
      changed_mind: 16,
      color: 8,
      unwanted: 8,
      misunderstanding: 5,
      late_delivery: 6,
      lost_in_transit: 2,
      damaged_in_transit: 4,
      ordered_by_mistake: 4,
      found_cheaper: 4,
      price_adjustment: 3,
      other: 3,
      gift_return: 2,
      defective: 2,
    },
  },
  {
    name: 'toys',
    products: 25,
    medianPrice: 160,
    priceSigma: 0.35,
    share: 0.08,
    reasons: {
      defective: 9,
      quality_defect: 6,
      damaged: 5,
      missing_parts: 7,
      not_as_described: 5,
      wrong_item: 3,
      late_delivery: 7,
      lost_in_transit: 2,
      damaged_in_transit: 3,
      changed_mind: 14,
      unwanted: 7,
      ordered_by_mistake: 4,
      misunderstanding: 3,
      gift_return: 5,
      found_cheaper: 3,
      price_adjustment: 2,
      other: 3,
    },
  },
  {
    name: 'grocery',
    products: 30,
    medianPrice: 45,
    priceSigma: 0.35,
    share: 0.13,
    reasons: {
      damaged: 10,
      quality_defect: 10,
      wrong_item: 5,
      missing_parts: 6,
      late_delivery: 14,
      lost_in_transit: 4,
      damaged_in_transit: 8,
      changed_mind: 6,
      ordered_by_mistake: 6,
      unwanted: 3,
      duplicate_charge: 2,
      price_adjustment: 3,
      other: 4,
      not_as_described: 3,
      defective: 1,
    },
  },
];

/** Refunds without a product (memberships, double charges). */
export const NO_PRODUCT_REASONS: Readonly<Record<string, number>> = {
  duplicate_charge: 40,
  service_not_delivered: 25,
  subscription_cancel: 25,
  other: 10,
};
export const CAMPAIGN_REASONS: Readonly<Record<string, number>> = { changed_mind: 70, found_cheaper: 15, ordered_by_mistake: 15 };
export const SPIKE_REASONS: Readonly<Record<string, number>> = { quality_defect: 50, defective: 35, damaged: 15 };

export interface Product {
  index: number;
  id: string;
  line: number;
  priceCents: number;
  weight: number;
}

export const PRODUCTS: readonly Product[] = (() => {
  const rng = createRng(0x9e0d5);
  const out: Product[] = [];
  PRODUCT_LINES.forEach((line, li) => {
    const zipf = Array.from({ length: line.products }, (_, k) => 1 / Math.pow(k + 2, 0.8));
    const total = zipf.reduce((a, b) => a + b, 0);
    zipf.forEach((z) => {
      const price = line.medianPrice * Math.exp(line.priceSigma * rng.normal());
      const index = out.length;
      out.push({
        index,
        id: `P${String(index + 1).padStart(4, '0')}`,
        line: li,
        priceCents: Math.max(490, Math.round(price) * 100 - 10),
        weight: (line.share * z) / total,
      });
    });
  });
  return out;
})();

/** The product that gets the defect spike: a popular electronics item. */
export const SPIKE_PRODUCT: Product = PRODUCTS[2];

/** The planted patterns, for tests and demos that want to check the dashboard finds them. */
export const PLANTED = {
  strictAgentIds: [...STRICT_AGENT_IDS],
  spikeProductId: SPIKE_PRODUCT.id,
  spikeProductLine: PRODUCT_LINES[SPIKE_PRODUCT.line].name,
  /** Mondays (ISO weeks) of the two spike weeks. */
  spikeWeeks: ['2025-02-03', '2025-02-10'],
  spikeFrom: epoch('2025-02-03'),
  spikeTo: epoch('2025-02-17'),
  /** Approval-rate offsets by channel, other things equal. */
  channelApprovalShift: { web: 0, app: 0, phone: 0.1, chat: -0.1, email: -0.04 } as Readonly<Record<Channel, number>>,
  photoPolicy: 'PC1',
  autoApprovePolicy: 'PC2',
  inspectionPolicy: 'PC3',
  campaigns: ['618', 'singles_day'],
} as const;

/**
 * The `confounded` option's world, where the decision and the chance of buying again share a cause
 * that the strata see (new vs returning customer) and nothing else: new customers are rejected more
 * (approval shifted by `newApprovalShift`) and buy again less. Each refunding customer has one
 * refund; a returning customer's earlier orders all precede it, so every order after the decision
 * is a repurchase this option draws. The chance of one within 40 days of the decision is
 * `repurchase[type] x (rejectedFactor if rejected)`, so the planted effect of a rejection on the
 * repurchase rate (any W >= 40 days) is `repurchase[type] x (rejectedFactor - 1)` in each stratum.
 */
export const CONFOUNDED = {
  newShare: 0.5,
  newApprovalShift: -0.3,
  repurchase: { new: 0.2, returning: 0.6 },
  rejectedFactor: 0.5,
  partialFactor: 0.75,
} as const;

export interface ReasonInfo {
  code: string;
  family: ReasonFamily;
  texts: readonly string[];
}

const FAMILY_TEXTS: Readonly<Record<ReasonFamily, readonly string[]>> = {
  defect: ['Stopped working after two days', '质量有问题，用了一次就坏了', 'The "new" item looks used', 'Not what the picture showed'],
  logistics: ['Package never arrived', 'Delivered a week late, needed it for a birthday', '快递太慢了', 'Box crushed, contents damaged'],
  customer: ['Changed my mind', '不想要了', 'No longer needed'],
  billing: ['Charged twice for the same order', 'Price dropped a day after I bought it', '重复扣款'],
  service: ['Service was never delivered', 'Cancel my subscription, please', '会员自动续费了，要求退款'],
  other: ['See attached', 'Other', '其他原因'],
};

/** Free text as customers write it: mixed languages, commas, quotes. */
const REASON_TEXTS: Readonly<Record<string, readonly string[]>> = {
  defective: ['Stopped working after two days', "Won't turn on", '开不了机', 'Battery dies in an hour, "brand new" they said'],
  quality_defect: ['Poor quality, stitching came apart', '质量太差了', 'Peeling after one wash, very disappointed'],
  damaged: ['Arrived broken, the box was fine though', 'Cracked screen', '收到就是坏的'],
  not_as_described: ['Not what the picture showed', 'Description said 128GB, it is 64GB', '和描述不符'],
  wrong_item: ['Wrong item sent', 'Ordered blue, got red', '发错货了'],
  missing_parts: ['Missing the charger', '少了配件', 'Screws missing, cannot assemble'],
  late_delivery: ['Delivered a week late, needed it for a birthday', '快递太慢了', 'Still not here after 10 days'],
  lost_in_transit: ['Package never arrived', 'Tracking says delivered; it was not', '包裹丢了'],
  damaged_in_transit: ['Box crushed, contents damaged', '运输途中损坏', 'Courier dropped it, dented'],
  changed_mind: ['Changed my mind', '不想要了', "Bought during the sale; don't need it after all"],
  size: ["Doesn't fit, too small", '尺码偏大', 'Too big, need one size down'],
  color: ['Colour is different from the photo', '颜色不喜欢'],
  style: ['Not my style', '款式不合适'],
  unwanted: ['No longer needed', '用不上了'],
  found_cheaper: ['Found it cheaper elsewhere, 30% less', '别家更便宜'],
  ordered_by_mistake: ['Ordered by mistake, please cancel', '拍错了'],
  misunderstanding: ['Thought it was a 2-pack', '理解错了'],
  duplicate_charge: ['Charged twice for the same order', '重复扣款'],
  price_adjustment: ['Price dropped a day after I bought it', '降价了，要求补差价'],
  price_protection: ['Promised price protection, "guaranteed lowest price"', '价保'],
  gift_return: ['It was a gift, the recipient already has one', '礼物，对方不需要'],
};

export function reasonInfo(code: string): ReasonInfo {
  const family = reasonFamilyOf(code);
  return { code, family, texts: REASON_TEXTS[code] ?? FAMILY_TEXTS[family] };
}
