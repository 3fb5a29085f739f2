import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { DEFAULTS } from '@refunds/shared';
import { badInput } from '../../common/errors';
import { AuditService } from '../audit/audit.service';
import { Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.types';
import { ClientAddress, CurrentPrincipal } from '../auth/current-principal.decorator';
import { PolicyChangeInput } from './dto/policy-change.input';
import { PolicyChange, PolicyImpact } from './models/policy.model';
import { PolicyService, type PolicyChangeFields } from './policy.service';
import { normalizeIsoTimestamp } from './timestamp';

const MAX_WINDOW_DAYS = 730;

function validateChangeId(changeId: string): string {
  if (changeId.length === 0 || changeId.length > 100) throw badInput('changeId', 'must be 1..100 characters');
  return changeId;
}

/** Optional text: trimmed, empty = null, at most `max` characters. */
function optionalText(arg: string, v: string | null | undefined, max: number): string | null {
  const t = v?.trim() ?? '';
  if (t.length > max) throw badInput(arg, `at most ${max} characters`);
  return t.length ? t : null;
}

export function validatePolicyChange(input: PolicyChangeInput): PolicyChangeFields {
  const changeId = validateChangeId(input.changeId.trim());
  const effectiveAt = normalizeIsoTimestamp(input.effectiveAt);
  if (!effectiveAt) throw badInput('input.effectiveAt', `must be an ISO 8601 date or timestamp, got ${JSON.stringify(input.effectiveAt.slice(0, 40))}`);
  const title = input.title.trim();
  if (title.length < 1 || title.length > 300) throw badInput('input.title', 'must be 1..300 characters');
  return {
    changeId,
    effectiveAt,
    title,
    description: optionalText('input.description', input.description, 4000),
    scopeChannel: optionalText('input.scopeChannel', input.scopeChannel, 100)?.toLowerCase() ?? null,
    scopeProductLine: optionalText('input.scopeProductLine', input.scopeProductLine, 100),
  };
}

@Resolver()
export class PolicyResolver {
  constructor(
    private readonly service: PolicyService,
    private readonly audit: AuditService,
  ) {}

  @Query(() => [PolicyChange], { description: 'Loaded and app-entered policy changes (app overrides by changeId), by effectiveAt' })
  policyChanges(): Promise<PolicyChange[]> {
    return this.service.changes();
  }

  @Query(() => PolicyImpact, { description: 'Refund metrics in the windowDays before vs after a policy change, in and out of its scope' })
  policyImpact(
    @Args('changeId') changeId: string,
    @Args('windowDays', { type: () => Int, defaultValue: DEFAULTS.policyWindowDays, description: '1..730' }) windowDays: number,
  ): Promise<PolicyImpact> {
    if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > MAX_WINDOW_DAYS)
      throw badInput('windowDays', `must be an integer 1..${MAX_WINDOW_DAYS}, got ${windowDays}`);
    return this.service.impact(validateChangeId(changeId), windowDays);
  }

  @Roles('admin', 'executive')
  @Mutation(() => PolicyChange, { description: 'Adds or replaces an app-entered policy change' })
  async upsertPolicyChange(
    @Args('input', { type: () => PolicyChangeInput }) input: PolicyChangeInput,
    @CurrentPrincipal() who: Principal,
    @ClientAddress() address: string,
  ): Promise<PolicyChange> {
    const saved = await this.service.upsert(validatePolicyChange(input));
    await this.audit.record({
      actor: who.name,
      action: 'policy-change-saved',
      detail: `policy change ${saved.changeId}: ${saved.title ?? ''}`.slice(0, 500),
      address,
    });
    return saved;
  }

  @Roles('admin', 'executive')
  @Mutation(() => Boolean, { description: 'Removes an app-entered policy change (a loaded change of the same id shows again)' })
  async deletePolicyChange(@Args('changeId') changeId: string, @CurrentPrincipal() who: Principal, @ClientAddress() address: string): Promise<boolean> {
    const id = validateChangeId(changeId);
    const removed = await this.service.remove(id);
    await this.audit.record({ actor: who.name, action: 'policy-change-deleted', detail: `policy change ${id}`, address });
    return removed;
  }
}
