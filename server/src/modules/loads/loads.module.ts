import { Module } from '@nestjs/common';
import { LoadsController } from './loads.controller';
import { LoadsRepository } from './loads.repository';
import { LoadsResolver } from './loads.resolver';
import { LoadsService } from './loads.service';

@Module({ controllers: [LoadsController], providers: [LoadsResolver, LoadsService, LoadsRepository] })
export class LoadsModule {}
