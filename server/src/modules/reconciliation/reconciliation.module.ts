import { Module } from '@nestjs/common';
import { ReconciliationRepository } from './reconciliation.repository';
import { ReconciliationResolver } from './reconciliation.resolver';
import { ReconciliationService } from './reconciliation.service';

@Module({ providers: [ReconciliationResolver, ReconciliationService, ReconciliationRepository] })
export class ReconciliationModule {}
