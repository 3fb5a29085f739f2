import { Module } from '@nestjs/common';
import { ReasonsRepository } from './reasons.repository';
import { ReasonsResolver } from './reasons.resolver';
import { ReasonsService } from './reasons.service';

@Module({ providers: [ReasonsResolver, ReasonsService, ReasonsRepository], exports: [ReasonsService] })
export class ReasonsModule {}
