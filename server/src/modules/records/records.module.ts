import { Module } from '@nestjs/common';
import { RecordsRepository } from './records.repository';
import { RecordsResolver } from './records.resolver';
import { RecordsService } from './records.service';

@Module({ providers: [RecordsResolver, RecordsService, RecordsRepository] })
export class RecordsModule {}
