import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AuditEntryEntity } from '../../app-db/entities';

@Injectable()
export class AuditRepository {
  constructor(@InjectRepository(AuditEntryEntity) private readonly entries: Repository<AuditEntryEntity>) {}

  async append(e: Omit<AuditEntryEntity, 'id'>): Promise<void> {
    await this.entries.insert(e);
  }

  /** Newest first. */
  list(limit: number, offset: number): Promise<AuditEntryEntity[]> {
    return this.entries.find({ order: { id: 'DESC' }, take: limit, skip: offset });
  }
}
