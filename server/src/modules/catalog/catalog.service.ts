import { Injectable } from '@nestjs/common';
import { METRICS } from '@refunds/shared';
import { WarehouseService } from '../../database/warehouse';
import { CAN, type Principal } from '../auth/auth.types';
import { CatalogRepository } from './catalog.repository';
import type { FilterOptions, MetricInfo } from './models/catalog.model';

@Injectable()
export class CatalogService {
  constructor(
    private readonly repo: CatalogRepository,
    private readonly db: WarehouseService,
  ) {}

  metrics(): MetricInfo[] {
    return METRICS.map((m) => ({
      name: m.name,
      unit: m.unit,
      better: m.better ?? null,
      label: { en: m.label.en, zhCN: m.label['zh-CN'] },
      formula: { en: m.formula.en, zhCN: m.formula['zh-CN'] },
      caveat: m.caveat ? { en: m.caveat.en, zhCN: m.caveat['zh-CN'] } : null,
    }));
  }

  async options(who: Principal): Promise<FilterOptions> {
    const [o, agents] = await Promise.all([this.repo.options(), CAN.seeAgentNames(who.role) ? this.repo.agents() : Promise.resolve([])]);
    const clean = (xs: Array<string | null> | null) => (xs ?? []).filter((x): x is string => x !== null);
    return {
      channels: clean(o.channels),
      productLines: clean(o.product_lines),
      reasonCodes: clean(o.reason_codes),
      teams: clean(o.teams),
      campaigns: clean(o.campaigns),
      agents: agents.map((a) => ({ agentId: a.agent_id, name: a.name, team: a.team })),
      minDate: o.min_date,
      maxDate: o.max_date,
      reportingCurrency: this.db.reportingCurrency,
    };
  }
}
