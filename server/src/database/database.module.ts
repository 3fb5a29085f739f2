import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { DuckDbService, type PrepareWarehouse } from './duckdb.service';

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
      ],
      exports: [DuckDbService],
    };
  }
}
