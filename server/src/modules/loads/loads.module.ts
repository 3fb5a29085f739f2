import { Module } from '@nestjs/common';
import { LoadsController } from './loads.controller';
import { LoadsRepository } from './loads.repository';
import { LoadsResolver } from './loads.resolver';
import { LoadsService } from './loads.service';
import { WarehouseWriterService } from './warehouse-writer';

/** Everything that writes the warehouse (CLI hand-over, uploads in ./uploads, backups): the only module that runs the ETL. */
@Module({
  controllers: [LoadsController],
  providers: [LoadsResolver, LoadsService, LoadsRepository, WarehouseWriterService],
  exports: [WarehouseWriterService],
})
export class LoadsModule {}
