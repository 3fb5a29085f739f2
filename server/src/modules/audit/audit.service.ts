import { Injectable, Logger } from '@nestjs/common';
import { badInput } from '../../common/errors';
import { AuditRepository } from './audit.repository';
import type { AuditEntry } from './models/audit-entry.model';

/** What the audit log records; one name per kind of event. */
export type AuditAction =
  | 'sign-in'
  | 'sign-in-failed'
  | 'sign-out'
  | 'user-created'
  | 'user-changed'
  | 'password-reset'
  | 'token-issued'
  | 'token-revoked'
  | 'load'
  | 'upload'
  | 'backup'
  | 'annotation-deleted'
  | 'saved-view-deleted'
  | 'policy-change-saved'
  | 'policy-change-deleted'
  | 'alert-rule-created'
  | 'alert-rule-changed'
  | 'alert-rule-deleted';

export interface AuditEvent {
  actor: string;
  action: AuditAction;
  detail: string;
  address: string;
}

@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(private readonly repo: AuditRepository) {}

  /**
   * Appends an entry. Callers await it, so the entry is written before the answer goes out; a
   * failing audit write fails the request rather than leaving an action unrecorded.
   */
  async record(e: AuditEvent): Promise<void> {
    await this.repo.append({
      at: new Date().toISOString(),
      actor: e.actor.slice(0, 320),
      action: e.action,
      detail: e.detail.slice(0, 2000),
      address: e.address.slice(0, 64),
    });
  }

  /** For events after which the request must not fail (e.g. a committed load): logged when the write fails. */
  async recordOrLog(e: AuditEvent): Promise<void> {
    try {
      await this.record(e);
    } catch (err) {
      this.logger.error(`audit write failed for ${e.action}: ${(err as Error).message}`);
    }
  }

  async list(limit: number, offset: number): Promise<AuditEntry[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw badInput('limit', 'must be 1..10000');
    if (!Number.isInteger(offset) || offset < 0) throw badInput('offset', 'must be >= 0');
    return this.repo.list(limit, offset);
  }
}
