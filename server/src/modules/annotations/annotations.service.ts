import { Injectable } from '@nestjs/common';
import { METRIC_BY_NAME } from '@refunds/shared';
import { AppError, badInput } from '../../common/errors';
import { AuditService } from '../audit/audit.service';
import { CAN, type Principal } from '../auth/auth.types';
import { AnnotationsRepository } from './annotations.repository';
import type { Annotation } from './models/annotation.model';

@Injectable()
export class AnnotationsService {
  constructor(
    private readonly repo: AnnotationsRepository,
    private readonly audit: AuditService,
  ) {}

  list(): Promise<Annotation[]> {
    return this.repo.list();
  }

  add(date: string, metric: string | null, note: string, who: Principal): Promise<Annotation> {
    if (metric !== null && !METRIC_BY_NAME.has(metric)) throw badInput('metric', `not a metric of the catalog: "${metric.slice(0, 60)}"`);
    const text = note.trim();
    if (text.length === 0 || text.length > 2000) throw badInput('note', 'must be 1..2000 characters');
    return this.repo.add({ date, metric, note: text, author: who.name });
  }

  /** Only the owner, or an admin, may delete; anyone else gets FORBIDDEN. */
  async remove(id: number, who: Principal, address: string): Promise<boolean> {
    const row = await this.repo.find(id);
    if (!row) throw badInput('id', `no annotation ${id}`);
    if (row.author !== who.name && !CAN.deleteOthers(who.role))
      throw new AppError('FORBIDDEN', `id: only ${row.author} or an admin may delete this annotation`, 'id');
    if (!(await this.repo.remove(id))) throw badInput('id', `no annotation ${id}`);
    await this.audit.record({ actor: who.name, action: 'annotation-deleted', detail: `annotation ${id} of ${row.author}`, address });
    return true;
  }
}
