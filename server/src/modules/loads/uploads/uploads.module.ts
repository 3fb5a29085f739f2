import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module';
import { LoadsModule } from '../loads.module';
import { UploadsController } from './uploads.controller';
import { UploadsRepository } from './uploads.repository';
import { UploadsService } from './uploads.service';

@Module({ imports: [AuditModule, LoadsModule], controllers: [UploadsController], providers: [UploadsService, UploadsRepository] })
export class UploadsModule {}
