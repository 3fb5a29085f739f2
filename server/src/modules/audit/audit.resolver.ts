import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/auth.guard';
import { AuditService } from './audit.service';
import { AuditEntry } from './models/audit-entry.model';

@Resolver()
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Roles('admin')
  @Query(() => [AuditEntry], { description: 'The audit log, newest first (admin only)' })
  auditLog(
    @Args('limit', { type: () => Int, defaultValue: 1000 }) limit: number,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset: number,
  ): Promise<AuditEntry[]> {
    return this.audit.list(limit, offset);
  }
}
