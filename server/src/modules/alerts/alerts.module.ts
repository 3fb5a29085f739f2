import { Module } from '@nestjs/common';
import { AppDbModule } from '../../app-db/app-db.module';
import { AgentsModule } from '../agents/agents.module';
import { ChannelsModule } from '../channels/channels.module';
import { OverviewModule } from '../overview/overview.module';
import { ReasonsModule } from '../reasons/reasons.module';
import { AlertDeliveryService } from './alert-delivery.service';
import { AlertEvaluator } from './alert-evaluator';
import { AlertsRepository } from './alerts.repository';
import { AlertsResolver } from './alerts.resolver';
import { AlertsService } from './alerts.service';
import { PackRenderer } from './pack-renderer';

@Module({
  imports: [AppDbModule, OverviewModule, ReasonsModule, ChannelsModule, AgentsModule],
  providers: [AlertsResolver, AlertsService, AlertsRepository, AlertEvaluator, AlertDeliveryService, PackRenderer],
})
export class AlertsModule {}
