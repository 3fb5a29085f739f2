import { Module } from '@nestjs/common';
import { AppDbModule } from '../../app-db/app-db.module';
import { AnnotationsRepository } from './annotations.repository';
import { AnnotationsResolver } from './annotations.resolver';
import { AnnotationsService } from './annotations.service';

@Module({ imports: [AppDbModule], providers: [AnnotationsResolver, AnnotationsService, AnnotationsRepository] })
export class AnnotationsModule {}
