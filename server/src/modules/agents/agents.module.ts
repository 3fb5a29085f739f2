import { Module } from '@nestjs/common';
import { AgentsRepository } from './agents.repository';
import { AgentsResolver } from './agents.resolver';
import { AgentsService } from './agents.service';

@Module({ providers: [AgentsResolver, AgentsService, AgentsRepository], exports: [AgentsService] })
export class AgentsModule {}
