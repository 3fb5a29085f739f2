import { Module } from '@nestjs/common';
import { BackupsController } from './backups.controller';
import { LoadsModule } from '../loads/loads.module';

@Module({ imports: [LoadsModule], controllers: [BackupsController] })
export class BackupsModule {}
