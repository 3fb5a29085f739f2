import { Module } from '@nestjs/common';
import { OverviewRepository } from './overview.repository';
import { OverviewResolver } from './overview.resolver';
import { OverviewService } from './overview.service';

@Module({ providers: [OverviewResolver, OverviewService, OverviewRepository], exports: [OverviewService] })
export class OverviewModule {}
