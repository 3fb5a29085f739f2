import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { SavedViewEntity } from '../../app-db/entities';

@Injectable()
export class SavedViewsRepository {
  constructor(@InjectRepository(SavedViewEntity) private readonly repo: Repository<SavedViewEntity>) {}

  list(): Promise<SavedViewEntity[]> {
    return this.repo.find({ order: { name: 'ASC', id: 'ASC' } });
  }

  add(v: Pick<SavedViewEntity, 'name' | 'page' | 'filter' | 'params' | 'owner'>): Promise<SavedViewEntity> {
    return this.repo.save(this.repo.create(v));
  }

  find(id: number): Promise<SavedViewEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  async remove(id: number): Promise<boolean> {
    return ((await this.repo.delete({ id })).affected ?? 0) > 0;
  }
}
