import { Global, Module } from '@nestjs/common';
import { AppDbModule } from '../../app-db/app-db.module';
import { AuditRepository } from './audit.repository';
import { AuditResolver } from './audit.resolver';
import { AuditService } from './audit.service';

@Global()
@Module({ imports: [AppDbModule], providers: [AuditRepository, AuditService, AuditResolver], exports: [AuditService] })
export class AuditModule {}
