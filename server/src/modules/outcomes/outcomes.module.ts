import { Module } from '@nestjs/common';
import { OutcomesRepository } from './outcomes.repository';
import { OutcomesResolver } from './outcomes.resolver';
import { OutcomesService } from './outcomes.service';

@Module({ providers: [OutcomesResolver, OutcomesService, OutcomesRepository] })
export class OutcomesModule {}
