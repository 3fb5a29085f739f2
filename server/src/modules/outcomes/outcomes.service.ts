import { Injectable } from '@nestjs/common';
import type { DimensionName, Grain, RefundFilter } from '@refunds/shared';
import { AppError, badInput } from '../../common/errors';
import type { Principal } from '../auth/auth.types';
import { CAN } from '../auth/auth.types';
import type { ExperienceGroup, RejectionEconomics, RejectionEffect, RepurchaseGroup } from './models/outcomes.model';
import { OutcomesRepository } from './outcomes.repository';
import { economicsOf, experienceOf, rejectionEffectOf, repurchaseOf } from './outcomes.stats';

export function checkWindow(windowDays: number): void {
  if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 730)
    throw badInput('windowDays', `must be a whole number of days 1..730, got ${windowDays}`);
}

function checkDimension(dim: DimensionName, who: Principal): void {
  if (dim === 'AGENT' && !CAN.seeAgentNames(who.role)) throw new AppError('FORBIDDEN', `groupBy: the ${who.role} role may not group by agent`, 'groupBy');
}

@Injectable()
export class OutcomesService {
  constructor(private readonly repo: OutcomesRepository) {}

  async experience(f: RefundFilter, dim: DimensionName, grain: Grain, who: Principal): Promise<ExperienceGroup[]> {
    checkDimension(dim, who);
    return (await this.repo.experience(f, dim, grain)).map(experienceOf);
  }

  async repurchase(f: RefundFilter, windowDays: number, dim: DimensionName, grain: Grain, who: Principal): Promise<RepurchaseGroup[]> {
    checkWindow(windowDays);
    checkDimension(dim, who);
    return (await this.repo.repurchase(f, windowDays, dim, grain)).map(repurchaseOf);
  }

  async economics(f: RefundFilter, windowDays: number): Promise<RejectionEconomics> {
    checkWindow(windowDays);
    return economicsOf(await this.repo.economics(f, windowDays), windowDays);
  }

  async effect(f: RefundFilter, windowDays: number): Promise<RejectionEffect> {
    checkWindow(windowDays);
    return rejectionEffectOf(await this.repo.effectStrata(f, windowDays), windowDays);
  }
}
