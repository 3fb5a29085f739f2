import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSourceOptions } from 'typeorm';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { ConfigModule } from '../config/config.module';
import { ENTITIES } from './entities';
import { Initial1700000000000 } from './migrations/1700000000000-initial';
import { SavedViewParams1700000000001 } from './migrations/1700000000001-saved-view-params';
import { SessionsAccountsAudit1700000000015 } from './migrations/1700000000015-sessions-accounts-audit';
import { Alerts1700000000020 } from './migrations/1700000000020-alerts';

export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: [Initial1700000000000, SavedViewParams1700000000001, SessionsAccountsAudit1700000000015, Alerts1700000000020],
    migrationsRun: true,
    synchronize: false,
    logging: false,
  };
  if (config.appDb.type === 'postgres') return { type: 'postgres', url: config.appDb.url, ...common };
  mkdirSync(dirname(config.appDb.path), { recursive: true });
  return { type: 'better-sqlite3', database: config.appDb.path, ...common };
}

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      imports: [ConfigModule],
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config), retryAttempts: 2, retryDelay: 500 }),
    }),
    TypeOrmModule.forFeature(ENTITIES),
  ],
  exports: [TypeOrmModule],
})
export class AppDbModule {}
