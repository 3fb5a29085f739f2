import { Global, Module } from '@nestjs/common';
import { AppDbModule } from '../../app-db/app-db.module';
import { HealthController } from './health.controller';
import { MetricsPlugin } from './metrics.plugin';
import { MetricsService } from './metrics.service';

@Global()
@Module({ imports: [AppDbModule], controllers: [HealthController], providers: [MetricsService, MetricsPlugin], exports: [MetricsService] })
export class HealthModule {}
