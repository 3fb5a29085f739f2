import { AppError, badInput } from '../../common/errors';
import type { AuditAction, AuditService } from '../audit/audit.service';
import { CAN, type Principal } from './auth.types';

/** The store of records that belong to the user who wrote them (annotations, saved views). */
export interface OwnedRecordsRepository<T> {
  list(): Promise<T[]>;
  find(id: number): Promise<T | null>;
  remove(id: number): Promise<boolean>;
}

/** How messages and the audit log name a kind of owned record. */
export interface OwnedRecordKind<T> {
  /** e.g. "saved view", as in "no saved view 7". */
  noun: string;
  owner: (row: T) => string;
  /** The audit action of a deletion, e.g. "saved-view-deleted". */
  deletedAction: AuditAction;
}

/** Listing and owner-or-admin deletion, the same for every kind of owned record. */
export abstract class OwnedRecordsService<T, R extends OwnedRecordsRepository<T>> {
  protected constructor(
    protected readonly repo: R,
    private readonly audit: AuditService,
    private readonly kind: OwnedRecordKind<T>,
  ) {}

  list(): Promise<T[]> {
    return this.repo.list();
  }

  /** Only the owner, or an admin, may delete; anyone else gets FORBIDDEN. */
  async remove(id: number, who: Principal, address: string): Promise<boolean> {
    const { noun, deletedAction } = this.kind;
    const row = await this.repo.find(id);
    if (!row) throw badInput('id', `no ${noun} ${id}`);
    const owner = this.kind.owner(row);
    if (owner !== who.name && !CAN.deleteOthers(who.role)) throw new AppError('FORBIDDEN', `id: only ${owner} or an admin may delete this ${noun}`, 'id');
    if (!(await this.repo.remove(id))) throw badInput('id', `no ${noun} ${id}`);
    await this.audit.record({ actor: who.name, action: deletedAction, detail: `${noun} ${id} of ${owner}`, address });
    return true;
  }
}
