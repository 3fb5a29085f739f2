import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { DuckDbService, type PrepareWarehouse } from './duckdb.service';
import { WAREHOUSE } from './warehouse';

/** The warehouse connection of the process; `prepare` comes from the writer (the loads module). */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(prepare: PrepareWarehouse): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DuckDbService,
          inject: [APP_CONFIG],
          useFactory: async (config: AppConfig) => {
            const s = new DuckDbService(config, prepare);
            await s.init();
            return s;
          },
        },
        // Repositories moved to the engine-neutral reader take it by this token (overview so far).
        { provide: WAREHOUSE, useExisting: DuckDbService },
      ],
      exports: [DuckDbService, WAREHOUSE],
    };
  }
}
