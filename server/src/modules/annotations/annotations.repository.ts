import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AnnotationEntity } from '../../app-db/entities';

@Injectable()
export class AnnotationsRepository {
  constructor(@InjectRepository(AnnotationEntity) private readonly repo: Repository<AnnotationEntity>) {}

  list(): Promise<AnnotationEntity[]> {
    return this.repo.find({ order: { date: 'ASC', id: 'ASC' } });
  }

  add(a: Pick<AnnotationEntity, 'date' | 'metric' | 'note' | 'author'>): Promise<AnnotationEntity> {
    return this.repo.save(this.repo.create(a));
  }

  find(id: number): Promise<AnnotationEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  async remove(id: number): Promise<boolean> {
    return ((await this.repo.delete({ id })).affected ?? 0) > 0;
  }
}
