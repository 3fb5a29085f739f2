import { Module } from '@nestjs/common';
import { AppDbModule } from '../../app-db/app-db.module';
import { PolicyRepository } from './policy.repository';
import { PolicyResolver } from './policy.resolver';
import { PolicyService } from './policy.service';

@Module({ imports: [AppDbModule], providers: [PolicyResolver, PolicyService, PolicyRepository] })
export class PolicyModule {}
