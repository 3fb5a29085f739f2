import { Module } from '@nestjs/common';
import { AppDbModule } from '../../app-db/app-db.module';
import { SavedViewsRepository } from './saved-views.repository';
import { SavedViewsResolver } from './saved-views.resolver';
import { SavedViewsService } from './saved-views.service';

@Module({ imports: [AppDbModule], providers: [SavedViewsResolver, SavedViewsService, SavedViewsRepository] })
export class SavedViewsModule {}
