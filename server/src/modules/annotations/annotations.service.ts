import { Injectable } from '@nestjs/common';
import { METRIC_BY_NAME } from '@refunds/shared';
import { badInput } from '../../common/errors';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/auth.types';
import { OwnedRecordsService } from '../auth/owned-records.service';
import { AnnotationsRepository } from './annotations.repository';
import type { Annotation } from './models/annotation.model';

@Injectable()
export class AnnotationsService extends OwnedRecordsService<Annotation, AnnotationsRepository> {
  constructor(repo: AnnotationsRepository, audit: AuditService) {
    super(repo, audit, { noun: 'annotation', owner: (a) => a.author, deletedAction: 'annotation-deleted' });
  }

  add(date: string, metric: string | null, note: string, who: Principal): Promise<Annotation> {
    if (metric !== null && !METRIC_BY_NAME.has(metric)) throw badInput('metric', `not a metric of the catalog: "${metric.slice(0, 60)}"`);
    const text = note.trim();
    if (text.length === 0 || text.length > 2000) throw badInput('note', 'must be 1..2000 characters');
    return this.repo.add({ date, metric, note: text, author: who.name });
  }
}
